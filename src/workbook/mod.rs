//! Chapter tooling, nothing numeric: flag parsing and the Results block ([`cli`]), the list of
//! chapters and what their page says ([`catalog`]), the captions of their pictures
//! ([`captions`]), the page of every chapter's results ([`gallery`]), the run of the whole
//! book ([`runner`]), and the pipe that keeps stdout apart from the files ([`stdout`]).

pub mod captions;
pub mod catalog;
pub mod cli;
pub mod gallery;
pub mod runner;
pub mod stdout;
