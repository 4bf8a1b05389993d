//! Activation functions, each beside its derivative (§3, step 2: h = f(Wx + b)).
//!
//! ```text
//! sigmoid   σ(z) = 1 / (1 + e^(−z))       σ'(z) = σ(z)(1 − σ(z))
//! tanh      tanh(z)                        tanh'(z) = 1 − tanh²(z)
//! relu      max(0, z)                      relu'(z) = 1 if z > 0, else 0 (0 at the kink)
//! identity  z                              1
//! ```
//!
//! The derivative takes both z and a = f(z), so sigmoid and tanh reuse the forward value, as
//! backprop does.
//!
//! ```
//! use autoencoders::nn::activation::{sigmoid, Activation};
//! assert_eq!(sigmoid(0.0), 0.5);
//! // σ'(0) = 0.5 · 0.5
//! assert_eq!(Activation::Sigmoid.derivative(0.0, 0.5), 0.25);
//! ```
//!
//! # A planted fault, for the workbook's own tests
//!
//! With the environment variable `AUTOENCODERS_PLANT=sigmoid-derivative`, σ' comes out 0.1 %
//! too large: a wrong derivative that training would follow without complaint. A test runs
//! the chapters with it and shows that each one training through σ' stops at its gradient
//! check, before it trains (see `tests/planted_bugs.rs`). The variable is read once; without
//! it nothing changes.

use std::sync::OnceLock;

/// The name of the fault-injection variable and the one value it acts on.
pub const PLANT_VAR: &str = "AUTOENCODERS_PLANT";
pub const PLANT_SIGMOID_DERIVATIVE: &str = "sigmoid-derivative";

/// σ' is multiplied by this: 1, or 1.001 with the planted fault.
fn sigmoid_derivative_factor() -> f64 {
    static FACTOR: OnceLock<f64> = OnceLock::new();
    *FACTOR.get_or_init(|| {
        let planted = std::env::var(PLANT_VAR).is_ok_and(|v| v == PLANT_SIGMOID_DERIVATIVE);
        if planted { 1.001 } else { 1.0 }
    })
}

/// σ(z), written so that neither branch overflows: for z < 0 it uses e^z / (1 + e^z).
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Identity,
    Sigmoid,
    Tanh,
    Relu,
}

impl Activation {
    pub const ALL: [Activation; 4] = [Activation::Identity, Activation::Sigmoid, Activation::Tanh, Activation::Relu];

    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Identity => z,
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
        }
    }

    /// f'(z), given z and a = f(z).
    pub fn derivative(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Identity => 1.0,
            Activation::Sigmoid => a * (1.0 - a) * sigmoid_derivative_factor(),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }
}
