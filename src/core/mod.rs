//! The types every formula is written in: [`matrix::Matrix`], [`tensor3::Tensor3`], the seeded
//! generator [`rng::Rng`], the [`error::Error`] every fallible call returns, and [`files`]
//! (whole-file reads, atomic writes, the CRC-32 checksum).

pub mod error;
pub mod files;
pub mod matrix;
pub mod rng;
pub mod tensor3;
