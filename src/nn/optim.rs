//! Optimizers: the update of §3 step 5, W ← W − η·∂L/∂W, and two refinements of it.
//!
//! An optimizer sees one parameter tensor at a time through [`Optimizer::update`]; `slot`
//! names the tensor so per-parameter state (RMSprop's running square, Adam's moments) persists
//! between steps. [`Optimizer::begin_step`] runs once per step, before the updates.
//!
//! Each follows PyTorch's documented algorithm, weight decay included, so the article's
//! recommender (RMSprop, weight_decay 0.5) can be reproduced exactly:
//!
//! ```text
//! SGD      g = ∇ + λθ;  θ ← θ − η g
//! RMSprop  g = ∇ + λθ;  v ← α v + (1 − α) g²;  θ ← θ − η g / (√v + ε)
//! Adam     g = ∇ + λθ;  m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²
//!          m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η m̂ / (√v̂ + ε)
//! ```

pub trait Optimizer {
    /// Called once per step, before that step's updates (Adam counts t here).
    fn begin_step(&mut self) {}
    /// θ ← update(θ, ∇). `slot` identifies the tensor across steps.
    fn update(&mut self, slot: usize, param: &mut [f64], grad: &[f64]);
}

fn state_for(states: &mut Vec<Vec<f64>>, slot: usize, len: usize) -> &mut Vec<f64> {
    if states.len() <= slot {
        states.resize_with(slot + 1, Vec::new);
    }
    let s = &mut states[slot];
    if s.len() != len {
        assert!(s.is_empty(), "optimizer slot {slot} changed length from {} to {len}", s.len());
        s.resize(len, 0.0);
    }
    s
}

/// Plain stochastic gradient descent, with optional weight decay λ.
#[derive(Clone, Debug)]
pub struct Sgd {
    pub lr: f64,
    pub weight_decay: f64,
}

impl Sgd {
    pub fn new(lr: f64) -> Self {
        Sgd { lr, weight_decay: 0.0 }
    }
}

impl Optimizer for Sgd {
    fn update(&mut self, _slot: usize, param: &mut [f64], grad: &[f64]) {
        assert_eq!(param.len(), grad.len(), "Sgd: parameter and gradient lengths differ");
        for (p, &g) in param.iter_mut().zip(grad) {
            *p -= self.lr * (g + self.weight_decay * *p);
        }
    }
}

/// RMSprop as PyTorch documents it (no momentum, not centred). `Default`: lr 0.01,
/// alpha 0.99, eps 1e-8, weight_decay 0, PyTorch's defaults.
#[derive(Clone, Debug)]
pub struct RmsProp {
    pub lr: f64,
    pub alpha: f64,
    pub eps: f64,
    pub weight_decay: f64,
    square_avg: Vec<Vec<f64>>,
}

impl Default for RmsProp {
    fn default() -> Self {
        RmsProp { lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0.0, square_avg: Vec::new() }
    }
}

impl RmsProp {
    pub fn new(lr: f64, weight_decay: f64) -> Self {
        RmsProp { lr, weight_decay, ..RmsProp::default() }
    }

    /// The running average of squared gradients for one slot (empty before its first step).
    pub fn square_avg(&self, slot: usize) -> &[f64] {
        self.square_avg.get(slot).map_or(&[], |v| v)
    }
}

impl Optimizer for RmsProp {
    fn update(&mut self, slot: usize, param: &mut [f64], grad: &[f64]) {
        assert_eq!(param.len(), grad.len(), "RmsProp: parameter and gradient lengths differ");
        let (lr, alpha, eps, wd) = (self.lr, self.alpha, self.eps, self.weight_decay);
        let v = state_for(&mut self.square_avg, slot, param.len());
        for ((p, &g0), v) in param.iter_mut().zip(grad).zip(v.iter_mut()) {
            let g = g0 + wd * *p;
            *v = alpha * *v + (1.0 - alpha) * g * g;
            *p -= lr * g / (v.sqrt() + eps);
        }
    }
}

/// Adam as PyTorch documents it (not AMSGrad). `Default`: lr 1e-3, betas (0.9, 0.999),
/// eps 1e-8, weight_decay 0.
#[derive(Clone, Debug)]
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    t: u64,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl Default for Adam {
    fn default() -> Self {
        Adam { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0, t: 0, m: Vec::new(), v: Vec::new() }
    }
}

impl Adam {
    pub fn new(lr: f64) -> Self {
        Adam { lr, ..Adam::default() }
    }

    /// Steps taken so far.
    pub fn t(&self) -> u64 {
        self.t
    }
}

impl Optimizer for Adam {
    fn begin_step(&mut self) {
        self.t += 1;
    }

    fn update(&mut self, slot: usize, param: &mut [f64], grad: &[f64]) {
        assert_eq!(param.len(), grad.len(), "Adam: parameter and gradient lengths differ");
        assert!(self.t > 0, "Adam::update before begin_step");
        let (lr, b1, b2, eps, wd) = (self.lr, self.beta1, self.beta2, self.eps, self.weight_decay);
        let bc1 = 1.0 - b1.powi(self.t as i32);
        let bc2 = 1.0 - b2.powi(self.t as i32);
        state_for(&mut self.m, slot, param.len());
        state_for(&mut self.v, slot, param.len());
        let (m, v) = (&mut self.m[slot], &mut self.v[slot]);
        for (((p, &g0), m), v) in param.iter_mut().zip(grad).zip(m.iter_mut()).zip(v.iter_mut()) {
            let g = g0 + wd * *p;
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            let m_hat = *m / bc1;
            let v_hat = *v / bc2;
            *p -= lr * m_hat / (v_hat.sqrt() + eps);
        }
    }
}
