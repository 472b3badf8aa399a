//! Fast paths for the migration files' TOML, byte for byte and value for
//! value what the `toml` crate writes and reads.
//!
//! `toml` (0.8) builds a full `toml_edit` document, with spans and
//! formatting for every key and value, on the way to and from text; for a
//! file of thousands of models that was most of `makemigrations`. The
//! functions here do the same work without that document:
//!
//! - [`to_string_pretty`] serializes any `Serialize` value the way
//!   `toml::to_string_pretty` does, spelling scalars with `toml_write` (the
//!   crate `toml_edit` itself spells them with), and gives up (`None`) on
//!   anything that `toml` might treat differently;
//! - [`from_str`] parses the plain subset of TOML that the writer produces
//!   (and that people usually write by hand) and deserializes from it, and
//!   gives up (`None`) on anything else, including every error.
//!
//! Callers fall back to `toml` when they give up, so errors and unusual
//! files behave exactly as before.

mod read;
mod write;

pub(crate) use read::from_str;
pub(crate) use write::to_string_pretty;

#[cfg(test)]
mod tests;
