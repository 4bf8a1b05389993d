//! The customer × product purchase table of §3 (1 = the customer bought the product).
//!
//! The article describes such a table but prints none, so this one is the workbook's own:
//! twelve customers and eight products, made from three kinds of shopper (bakery, garden,
//! electronics) with a little noise, so a 3-unit code has something real to find.

use crate::core::matrix::Matrix;

pub const PRODUCTS: [&str; 8] = ["bread", "butter", "jam", "seeds", "hose", "gloves", "cable", "charger"];

/// 12 customers × 8 products.
const TABLE: [[u8; 8]; 12] = [
    [1, 1, 1, 0, 0, 0, 0, 0],
    [1, 1, 0, 0, 0, 0, 0, 0],
    [1, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 1, 1, 0, 0],
    [0, 0, 0, 1, 1, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1],
    [0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 0, 1, 1],
    [0, 0, 0, 1, 1, 1, 1, 1],
    [1, 1, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 1, 1],
];

/// The table as a (customers, products) matrix of 0s and 1s.
pub fn purchases() -> Matrix {
    let data = TABLE.iter().flat_map(|r| r.iter().map(|&v| f64::from(v))).collect();
    Matrix::from_vec(TABLE.len(), PRODUCTS.len(), data)
}
