//! Where each default parameter comes from.
