//! The questions the autodetector asks: was this a rename, and what value
//! should existing rows take?
//!
//! Three implementations: [`InteractiveQuestioner`] asks on a terminal,
//! [`NonInteractiveQuestioner`] never guesses a rename and fails when a
//! value is needed, [`ScriptedQuestioner`] answers from a script (tests).

use crate::error::{Error, Result};
use crate::state::{DefaultValue, FieldState, ModelState};
use std::collections::HashMap;
use std::io::{BufRead, Write};

/// Answers the autodetector's questions.
pub trait Questioner {
    /// Was model `old` renamed to `new`? (Their columns match.)
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> Result<bool>;

    /// Was column `old` of `model` renamed to `new`? (Their definitions
    /// match.)
    fn ask_rename_field(&mut self, model: &str, old: &FieldState, new: &FieldState)
        -> Result<bool>;

    /// The value existing rows take for the new NOT NULL column `field`,
    /// which has no default.
    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue>;

    /// The value rows holding `NULL` take now that `field` is NOT NULL
    /// without a default.
    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue>;
}

/// Never renames, and fails with [`Error::DefaultRequired`] when existing
/// rows need a value: the mode of `--no-input` and CI.
#[derive(Debug, Default, Clone, Copy)]
pub struct NonInteractiveQuestioner;

impl Questioner for NonInteractiveQuestioner {
    fn ask_rename_model(&mut self, _old: &ModelState, _new: &ModelState) -> Result<bool> {
        Ok(false)
    }

    fn ask_rename_field(&mut self, _: &str, _: &FieldState, _: &FieldState) -> Result<bool> {
        Ok(false)
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        Err(Error::DefaultRequired {
            model: model.to_string(),
            column: field.column.clone(),
        })
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.ask_not_null_addition(model, field)
    }
}

/// Asks on a terminal (or any reader and writer).
pub struct InteractiveQuestioner<R, W> {
    input: R,
    output: W,
}

impl InteractiveQuestioner<std::io::StdinLock<'static>, std::io::Stderr> {
    /// Reads answers from stdin and writes questions to stderr.
    pub fn stdio() -> Self {
        InteractiveQuestioner {
            input: std::io::stdin().lock(),
            output: std::io::stderr(),
        }
    }
}

impl<R: BufRead, W: Write> InteractiveQuestioner<R, W> {
    /// Reads answers from `input` and writes questions to `output`.
    pub fn new(input: R, output: W) -> Self {
        InteractiveQuestioner { input, output }
    }

    fn prompt(&mut self, question: &str) -> Result<String> {
        let io = |e: std::io::Error| Error::Input {
            reason: e.to_string(),
        };
        write!(self.output, "{question}").map_err(io)?;
        self.output.flush().map_err(io)?;
        let mut line = String::new();
        let read = self.input.read_line(&mut line).map_err(io)?;
        if read == 0 {
            return Err(Error::Input {
                reason: "input ended before the question was answered".into(),
            });
        }
        Ok(line.trim().to_string())
    }

    fn yes_no(&mut self, question: &str) -> Result<bool> {
        loop {
            let answer = self.prompt(&format!("{question} [y/N] "))?;
            match answer.to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(true),
                "" | "n" | "no" => return Ok(false),
                _ => {
                    let _ = writeln!(self.output, "Please answer y or n.");
                }
            }
        }
    }

    fn value(&mut self, intro: &str, field: &FieldState) -> Result<DefaultValue> {
        let _ = writeln!(self.output, "{intro}");
        loop {
            let answer = self.prompt(&format!(
                "One-off value for existing rows ({}), or `quit`: ",
                crate::state::column_type_name(&field.ty)
            ))?;
            if answer.eq_ignore_ascii_case("quit") {
                return Err(Error::Input {
                    reason: "cancelled; add a default to the field and run makemigrations again"
                        .into(),
                });
            }
            if answer.is_empty() {
                continue;
            }
            match DefaultValue::parse_for(&field.ty, &answer) {
                Ok(value) => return Ok(value),
                Err(e) => {
                    let _ = writeln!(self.output, "{e}");
                }
            }
        }
    }
}

impl<R: BufRead, W: Write> Questioner for InteractiveQuestioner<R, W> {
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> Result<bool> {
        self.yes_no(&format!(
            "Was the model {} renamed to {}?",
            old.name, new.name
        ))
    }

    fn ask_rename_field(
        &mut self,
        model: &str,
        old: &FieldState,
        new: &FieldState,
    ) -> Result<bool> {
        self.yes_no(&format!(
            "Was {model}.{} renamed to {model}.{}?",
            old.column, new.column
        ))
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.value(
            &format!(
                "The new column {model}.{} is NOT NULL without a default; existing rows need a value.",
                field.column
            ),
            field,
        )
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.value(
            &format!(
                "{model}.{} becomes NOT NULL without a default; rows holding NULL need a value.",
                field.column
            ),
            field,
        )
    }
}

/// Answers from a script, and records every question (for tests).
///
/// Unscripted renames are declined; an unscripted value is
/// [`Error::DefaultRequired`], as in non-interactive mode.
#[derive(Debug, Default, Clone)]
pub struct ScriptedQuestioner {
    model_renames: HashMap<(String, String), bool>,
    field_renames: HashMap<(String, String, String), bool>,
    values: HashMap<(String, String), DefaultValue>,
    /// Every question asked, one line each, in order.
    pub asked: Vec<String>,
}

impl ScriptedQuestioner {
    /// A questioner with no answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers "was `old` renamed to `new`?" with `yes`.
    pub fn rename_model(mut self, old: &str, new: &str, yes: bool) -> Self {
        self.model_renames.insert((old.into(), new.into()), yes);
        self
    }

    /// Answers "was `model.old` renamed to `model.new`?" with `yes`.
    pub fn rename_field(mut self, model: &str, old: &str, new: &str, yes: bool) -> Self {
        self.field_renames
            .insert((model.into(), old.into(), new.into()), yes);
        self
    }

    /// Gives `value` as the one-off value of `model.column`.
    pub fn value(mut self, model: &str, column: &str, value: DefaultValue) -> Self {
        self.values.insert((model.into(), column.into()), value);
        self
    }

    fn value_for(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.values
            .get(&(model.to_string(), field.column.clone()))
            .cloned()
            .ok_or_else(|| Error::DefaultRequired {
                model: model.to_string(),
                column: field.column.clone(),
            })
    }
}

impl Questioner for ScriptedQuestioner {
    fn ask_rename_model(&mut self, old: &ModelState, new: &ModelState) -> Result<bool> {
        self.asked
            .push(format!("rename model {} -> {}", old.name, new.name));
        Ok(*self
            .model_renames
            .get(&(old.name.clone(), new.name.clone()))
            .unwrap_or(&false))
    }

    fn ask_rename_field(
        &mut self,
        model: &str,
        old: &FieldState,
        new: &FieldState,
    ) -> Result<bool> {
        self.asked.push(format!(
            "rename field {model}.{} -> {}",
            old.column, new.column
        ));
        Ok(*self
            .field_renames
            .get(&(model.to_string(), old.column.clone(), new.column.clone()))
            .unwrap_or(&false))
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.asked
            .push(format!("value for new {model}.{}", field.column));
        self.value_for(model, field)
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.asked
            .push(format!("value for altered {model}.{}", field.column));
        self.value_for(model, field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata::ColumnType;

    #[test]
    fn interactive_questioner_reparses_bad_values_and_reads_yes() {
        let input = b"maybe\ny\nabc\n42\n" as &[u8];
        let mut out = Vec::new();
        let mut q = InteractiveQuestioner::new(input, &mut out);
        let old = FieldState::new("a", ColumnType::Integer);
        let new = FieldState::new("b", ColumnType::Integer);
        assert!(q.ask_rename_field("Post", &old, &new).unwrap());
        assert_eq!(
            q.ask_not_null_addition("Post", &new).unwrap(),
            DefaultValue::Int(42)
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Please answer y or n."));
        assert!(text.contains("expected an integer"));
    }

    #[test]
    fn interactive_questioner_fails_when_input_ends() {
        let mut q = InteractiveQuestioner::new(b"" as &[u8], Vec::new());
        let field = FieldState::new("a", ColumnType::Text);
        assert!(matches!(
            q.ask_not_null_addition("Post", &field),
            Err(Error::Input { .. })
        ));
    }
}
