//! §3.1: convolution and its transpose (with their naive definitions), max pooling that keeps
//! its switches and the unpooling that uses them, and the convolutional autoencoder built of them.

pub mod autoencoder;
pub mod convolution;
pub mod pool;
