//! Every chapter's gradient check: [`models`] wraps each objective a chapter trains for
//! [`crate::nn::gradcheck`] (the numerics), and [`step`] prints the check as a chapter's
//! labelled step and adds its Results keys. It sits above `nn` and the section modules, since
//! it reaches into every model, and beside them, since only chapters and tests call it.

pub mod models;
pub mod step;
