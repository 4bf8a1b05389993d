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
//!          m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ·(1 − η·d) − η m̂ / (√v̂ + ε)
//! ```
//!
//! Adam has two kinds of weight decay. λ (`weight_decay`) is added to the gradient, so it
//! passes through m and v and Adam's normalisation rescales it. d (`decoupled_weight_decay`,
//! 0 by default) shrinks θ directly, outside m and v: that is AdamW (Loshchilov & Hutter,
//! PyTorch's `torch.optim.AdamW`), whose shrink η·d per step does not depend on how large
//! the gradients happen to be. Parameters that should not decay (biases, say) go to a
//! second `Adam` with d = 0, as PyTorch puts them in a second parameter group.

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

/// Adam as PyTorch documents it (not AMSGrad), and AdamW with `decoupled_weight_decay`.
/// `Default`: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, decoupled_weight_decay 0.
#[derive(Clone, Debug)]
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    /// λ, added to the gradient (Adam's L2 penalty).
    pub weight_decay: f64,
    /// d: θ ← θ·(1 − η·d) at each step, outside the moments (AdamW).
    pub decoupled_weight_decay: f64,
    t: u64,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl Default for Adam {
    fn default() -> Self {
        Adam {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: 0.0,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
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
        // PyTorch's AdamW shrinks θ before its Adam step; the step does not read θ, so only
        // the rounding depends on the order.
        let keep = 1.0 - lr * self.decoupled_weight_decay;
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
            *p = *p * keep - lr * m_hat / (v_hat.sqrt() + eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AdamW against one step worked out by hand, and its moments against plain Adam's.
    #[test]
    fn adam_decoupled_weight_decay_one_step() {
        // θ₀ = 1, ∇ = 0.5, η = 0.1, d = 0.2, β = (0.9, 0.999), ε = 1e-8, t = 1.
        // m = 0.05, v = 0.00025;  m̂ = 0.5, v̂ = 0.25;  Adam's step η·m̂/(√v̂ + ε) = 0.05/0.50000001
        //   = 0.099999998000000040…
        // decay: θ·(1 − η·d) = 1·(1 − 0.02) = 0.98, untouched by m and v.
        // θ₁ = 0.98 − 0.099999998000000040 = 0.880000001999999960…
        let mut opt = Adam { decoupled_weight_decay: 0.2, ..Adam::new(0.1) };
        let mut theta = [1.0];
        opt.begin_step();
        opt.update(0, &mut theta, &[0.5]);
        assert!((theta[0] - 0.880_000_002).abs() <= 1e-15, "θ₁ = {:.17}", theta[0]);
        // The moments saw only the gradient: the same m and v as without the decay.
        let mut plain = Adam::new(0.1);
        let mut theta_plain = [1.0];
        plain.begin_step();
        plain.update(0, &mut theta_plain, &[0.5]);
        assert_eq!((opt.m[0][0], opt.v[0][0]), (plain.m[0][0], plain.v[0][0]));
        // Without the decay: 1 − 0.099999998000000040.
        assert!((theta_plain[0] - 0.900_000_002).abs() <= 1e-15);
    }
}
