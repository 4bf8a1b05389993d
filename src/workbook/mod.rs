//! Chapter tooling, nothing numeric: flag parsing and the Results block ([`cli`]), the list of
//! chapters ([`catalog`]), the page of every chapter's results ([`gallery`]), and the printed
//! gradient-check step ([`gradient_step`], whose numbers come from `nn::gradcheck`).

pub mod catalog;
pub mod cli;
pub mod gallery;
pub mod gradient_step;
