//! The writers of [`crate::render::document::Document`]s: each writes the model out and adds
//! only what its format can do (number cells and print setup in workbooks, repeated header rows
//! in Word, sortable tables in HTML); none drops a block, a row or a cell.

pub mod csv;
#[cfg(feature = "html")]
pub mod html;
pub mod markdown;
