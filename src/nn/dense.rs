//! A fully connected layer with its activation: the article's h = f(Wx + b) (§3, step 2).
//!
//! The article writes one example as a column vector x. Here a batch is a matrix with one
//! example per row, so the same layer reads
//!
//! ```text
//! forward   Z = X·Wᵀ + b      X: (batch, in), W: (out, in), b: (out) → Z: (batch, out)
//!           A = f(Z)
//! backward  d_z = d_a ⊙ f'(Z)
//!           d_w = d_zᵀ·X       (out, in)
//!           d_b = Σ_rows d_z   (out)
//!           d_x = d_z·W        (batch, in)
//! ```
//!
//! and row r of A is f(W x_r + b), the article's formula for example r.

use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::nn::activation::Activation;

#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// (out, in), as PyTorch's `nn.Linear` stores it.
    pub w: Matrix,
    /// (out)
    pub b: Vec<f64>,
    pub activation: Activation,
}

/// What forward keeps for backward.
#[derive(Clone, Debug)]
pub struct DenseCache {
    /// The layer's input, (batch, in).
    pub x: Matrix,
    /// Pre-activation X·Wᵀ + b, (batch, out).
    pub z: Matrix,
    /// Output f(Z), (batch, out).
    pub a: Matrix,
}

/// ∂L/∂W and ∂L/∂b for one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseGrads {
    pub d_w: Matrix,
    pub d_b: Vec<f64>,
}

impl DenseGrads {
    pub fn zeros_like(layer: &Dense) -> Self {
        DenseGrads { d_w: Matrix::zeros(layer.w.rows(), layer.w.cols()), d_b: vec![0.0; layer.b.len()] }
    }

    /// self += other, for gradient accumulation.
    pub fn accumulate(&mut self, other: &DenseGrads) {
        self.d_w.add_scaled(&other.d_w, 1.0);
        for (a, b) in self.d_b.iter_mut().zip(&other.d_b) {
            *a += b;
        }
    }
}

impl Dense {
    /// PyTorch's default initialisation for `nn.Linear`: W and b both uniform in
    /// (−1/√in, 1/√in). (Kaiming-uniform with a = √5 reduces to exactly this bound.)
    pub fn new(inputs: usize, outputs: usize, activation: Activation, rng: &mut Rng) -> Self {
        let bound = 1.0 / (inputs as f64).sqrt();
        let w = Matrix::uniform(outputs, inputs, -bound, bound, rng);
        let b = (0..outputs).map(|_| rng.range(-bound, bound)).collect();
        Dense { w, b, activation }
    }

    /// Glorot/Xavier uniform weights, zero bias: a better start for sigmoid autoencoders.
    pub fn xavier(inputs: usize, outputs: usize, activation: Activation, rng: &mut Rng) -> Self {
        let bound = (6.0 / (inputs + outputs) as f64).sqrt();
        Dense { w: Matrix::uniform(outputs, inputs, -bound, bound, rng), b: vec![0.0; outputs], activation }
    }

    pub fn inputs(&self) -> usize {
        self.w.cols()
    }

    pub fn outputs(&self) -> usize {
        self.w.rows()
    }

    /// Z = X·Wᵀ + b. x: (batch, in) → (batch, out).
    pub fn pre_activation(&self, x: &Matrix) -> Matrix {
        let mut z = x.matmul_a_bt(&self.w);
        z.add_row_broadcast(&self.b);
        z
    }

    /// x: (batch, in) → the cache holding A = f(X·Wᵀ + b), (batch, out).
    pub fn forward(&self, x: &Matrix) -> DenseCache {
        let z = self.pre_activation(x);
        let act = self.activation;
        let a = z.map(|v| act.apply(v));
        DenseCache { x: x.clone(), z, a }
    }

    /// The output alone, for inference.
    pub fn infer(&self, x: &Matrix) -> Matrix {
        let act = self.activation;
        self.pre_activation(x).map(|v| act.apply(v))
    }

    /// d_a: ∂L/∂A, (batch, out) → (∂L/∂W, ∂L/∂b) and d_x = ∂L/∂X, (batch, in).
    pub fn backward(&self, cache: &DenseCache, d_a: &Matrix) -> (DenseGrads, Matrix) {
        let (grads, d_z) = self.backward_params(cache, d_a);
        let d_x = d_z.matmul(&self.w);
        (grads, d_x)
    }

    /// The parameter half of [`Dense::backward`]: (∂L/∂W, ∂L/∂b) and d_z = ∂L/∂Z, (batch, out),
    /// without the product d_x = d_z·W. A network's first layer needs no d_x, since nothing
    /// sits below it; [`crate::nn::network::Network::backward_params`] uses this for it.
    pub fn backward_params(&self, cache: &DenseCache, d_a: &Matrix) -> (DenseGrads, Matrix) {
        let act = self.activation;
        let mut d_z = d_a.clone();
        for ((dz, &z), &a) in d_z.data_mut().iter_mut().zip(cache.z.data()).zip(cache.a.data()) {
            *dz *= act.derivative(z, a);
        }
        let d_w = d_z.matmul_at_b(&cache.x);
        let d_b = d_z.col_sums();
        (DenseGrads { d_w, d_b }, d_z)
    }
}
