//! Property and fuzz tests.
