//! Speed only, with no knowledge of any model: the cache-blocked matrix product, and the
//! two-thread hand-off. Each fast kernel keeps its naive oracle, and the tests hold the two equal.

pub mod gemm;
pub mod parallel;
pub mod simd;
