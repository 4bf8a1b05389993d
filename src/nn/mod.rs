//! The network core of §2–§3: activations, losses, the dense layer, networks and
//! autoencoders, optimizers, the training loop with its objectives, and the numeric gradient
//! check they all pass.

pub mod activation;
pub mod dense;
pub mod gradcheck;
pub mod loss;
pub mod network;
pub mod optim;
pub mod train;

/// The one mini-batch loop, [`train::minibatch_epoch`], also at the top of `nn`.
pub use train::minibatch_epoch;
