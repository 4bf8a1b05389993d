//! Output for the reader: aligned text grids and tables (and, as the chapters grow, pictures).
//! Nothing here knows about networks.

pub mod panels;
pub mod png;
pub mod svg;
pub mod text;
