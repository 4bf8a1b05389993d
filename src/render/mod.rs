//! Output for the reader: aligned text grids and tables, PNG and SVG pictures, and HTML.
//! Nothing here knows about networks.

pub mod figures;
pub mod html;
pub mod math;
pub mod png;
pub mod svg;
pub mod text;
