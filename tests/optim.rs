//! One or two optimizer steps against numbers worked out by hand from PyTorch's documented
//! updates (torch.optim.RMSprop and torch.optim.Adam, no momentum, not centred, not AMSGrad).

use autoencoders::nn::optim::{Adam, Optimizer, RmsProp, Sgd};

fn assert_close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-15 * want.abs().max(1.0), "{what}: got {got:.17}, want {want:.17}");
}

#[test]
fn rmsprop_with_weight_decay_two_steps() {
    // PyTorch: g = ∇ + λθ;  v ← αv + (1 − α)g²;  θ ← θ − η g / (√v + ε)
    // θ₀ = 2, ∇ = 0.5 both steps, η = 0.01, λ = 0.5, α = 0.99, ε = 1e-8.
    // Step 1: g = 0.5 + 0.5·2 = 1.5;  v = 0.01·1.5² = 0.0225;  √v = 0.15
    //         θ₁ = 2 − 0.01·1.5/(0.15 + 1e-8) = 2 − 0.1/(1 + 6.6̅e-8) = 1.9000000066666…
    // Step 2: g = 0.5 + 0.5·θ₁ = 1.4500000033333…;  v = 0.99·0.0225 + 0.01·g² = 0.0433000000967
    //         θ₂ = θ₁ − 0.01·g/(√v + ε) = 1.8303174568898…
    let mut opt = RmsProp::new(0.01, 0.5);
    assert_eq!((opt.alpha, opt.eps), (0.99, 1e-8));
    let mut theta = [2.0];
    opt.update(0, &mut theta, &[0.5]);
    assert_close(theta[0], 1.9000000066666662, "θ₁");
    assert_close(opt.square_avg(0)[0], 0.0225, "v₁");
    opt.update(0, &mut theta, &[0.5]);
    assert_close(theta[0], 1.830317456889818, "θ₂");
    assert_close(opt.square_avg(0)[0], 0.043300000096666666, "v₂");
}

#[test]
fn adam_with_weight_decay_two_steps() {
    // PyTorch: g = ∇ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
    //          θ ← θ − η·(m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)
    // θ₀ = 1, ∇ = 0.2 both steps, η = 0.1, λ = 0.1, β = (0.9, 0.999), ε = 1e-8.
    // Step 1: g = 0.3;  m = 0.03;  v = 9e-5;  m̂ = 0.3;  v̂ = 0.09;  θ₁ = 1 − 0.1·0.3/(0.3 + 1e-8)
    //         = 0.90000000333…  (Adam's first step moves by η, less a hair for ε.)
    // Step 2: g = 0.2 + 0.1θ₁ = 0.29000000033…;  m = 0.9·0.03 + 0.1g = 0.056000000033…
    //         v = 0.999·9e-5 + 0.001g² = 1.7401000019e-4;  m̂ = m/0.19;  v̂ = v/0.001999
    //         θ₂ = θ₁ − 0.1·m̂/(√v̂ + ε) = 0.80010271379…
    let mut opt = Adam::new(0.1);
    opt.weight_decay = 0.1;
    let mut theta = [1.0];
    opt.begin_step();
    opt.update(0, &mut theta, &[0.2]);
    assert_close(theta[0], 0.9000000033333331, "θ₁");
    opt.begin_step();
    opt.update(0, &mut theta, &[0.2]);
    assert_close(theta[0], 0.800102713794283, "θ₂");
    assert_eq!(opt.t(), 2);
}

#[test]
fn sgd_step() {
    // θ ← θ − η(∇ + λθ) = 1 − 0.1·(0.5 + 0.2·1) = 0.93
    let mut opt = Sgd { lr: 0.1, weight_decay: 0.2 };
    let mut theta = [1.0];
    opt.update(0, &mut theta, &[0.5]);
    assert_close(theta[0], 0.93, "θ₁");
}

#[test]
fn optimizer_state_is_per_slot() {
    // Two tensors stepped in turn must not share their running averages.
    let mut opt = RmsProp::new(0.01, 0.0);
    let (mut a, mut b) = ([1.0, 1.0], [1.0]);
    opt.update(0, &mut a, &[1.0, 2.0]);
    opt.update(1, &mut b, &[3.0]);
    assert_close(opt.square_avg(0)[1], 0.04, "slot 0");
    assert_close(opt.square_avg(1)[0], 0.09, "slot 1");
}
