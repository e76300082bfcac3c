//! Places in a spec file, as the stages name them before a line and column are known: a path of
//! keys (and list indices) from the top of the document, and which part of its last step is meant.

/// Which part of a path's last step a fault points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The key (`required` in `required: maybe`); the value when there is no key (list items).
    Key,
    /// The value (`maybe`).
    Value,
}
