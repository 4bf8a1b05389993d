//! Data the chapters learn from: built-in tables generated in code, and readers for real
//! data sets. Nothing here knows about networks.

pub mod baskets;
pub mod digits;
pub mod idx;
pub mod movielens;
pub mod synthetic_ratings;
