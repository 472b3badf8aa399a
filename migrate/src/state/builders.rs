//! Building states: from the models' metadata, and with the builder
//! methods that tests and examples use; lookups used by the operations.

use super::naming;
use super::{
    ChoicesState, ConstraintKind, ConstraintState, DefaultValue, FieldState, ForeignKeyState,
    IndexState, ManyToManyState, ModelState,
};
use strata::meta::{ColumnMeta, ModelMeta, OnDelete};
use strata::ColumnType;

impl ModelState {
    /// A model named `name` with the table the derive would give it
    /// (`BlogPost` -> `blog_post`) and no columns yet.
    pub fn new(name: &str) -> ModelState {
        ModelState {
            name: name.to_string(),
            table: naming::snake_case(name),
            fields: Vec::new(),
            indexes: Vec::new(),
            constraints: Vec::new(),
            many_to_many: Vec::new(),
            renamed_from: None,
        }
    }

    /// The state of one model from its metadata.
    pub fn from_meta(meta: &ModelMeta) -> ModelState {
        ModelState {
            name: meta.name.to_string(),
            table: meta.table.to_string(),
            fields: meta.columns.iter().map(FieldState::from_meta).collect(),
            indexes: meta
                .indexes
                .iter()
                .map(|i| IndexState {
                    name: i.name.to_string(),
                    columns: i.columns.iter().map(|c| c.to_string()).collect(),
                    unique: i.unique,
                })
                .collect(),
            constraints: meta
                .unique_constraints
                .iter()
                .map(|u| ConstraintState {
                    name: u.name.to_string(),
                    kind: ConstraintKind::Unique(u.columns.iter().map(|c| c.to_string()).collect()),
                })
                .collect(),
            many_to_many: meta
                .many_to_many
                .iter()
                .map(|m| ManyToManyState {
                    field: m.field.to_string(),
                    to: (m.target)().name.to_string(),
                    join_table: m.table().to_string(),
                    source_column: m.source_column.to_string(),
                    target_column: m.target_column.to_string(),
                    through: m.through.map(|t| t().name.to_string()),
                })
                .collect(),
            renamed_from: meta.renamed_from.map(str::to_string),
        }
    }

    /// Sets the table name.
    pub fn table(mut self, table: &str) -> ModelState {
        self.table = table.to_string();
        self
    }

    /// Adds an auto-increment `BIGINT` primary key named `column`.
    pub fn pk(self, column: &str) -> ModelState {
        self.column(FieldState::auto_pk(column))
    }

    /// Adds a column.
    pub fn column(mut self, field: FieldState) -> ModelState {
        self.fields.push(field);
        self
    }

    /// Adds a NOT NULL column of type `ty`.
    pub fn field(self, column: &str, ty: ColumnType) -> ModelState {
        self.column(FieldState::new(column, ty))
    }

    /// Adds a NOT NULL `BIGINT` foreign key to `to`'s primary key.
    pub fn fk(self, column: &str, to: &str, on_delete: OnDelete) -> ModelState {
        self.column(FieldState::new(column, ColumnType::BigInt).references(to, on_delete))
    }

    /// Adds an index.
    pub fn index(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.indexes.push(IndexState {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: false,
        });
        self
    }

    /// Adds a unique index.
    pub fn unique_index(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.indexes.push(IndexState {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: true,
        });
        self
    }

    /// Adds a multi-column unique constraint.
    pub fn unique_together(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.constraints.push(ConstraintState {
            name: name.to_string(),
            kind: ConstraintKind::Unique(columns.iter().map(|c| c.to_string()).collect()),
        });
        self
    }

    /// Adds a check constraint.
    pub fn check(mut self, name: &str, expression: &str) -> ModelState {
        self.constraints.push(ConstraintState {
            name: name.to_string(),
            kind: ConstraintKind::Check(expression.to_string()),
        });
        self
    }

    /// Adds a many-to-many relation to `to` with an automatic join table
    /// `<table>_<field>` and columns `<model>_id` / `<target>_id`
    /// (`from_<model>_id` / `to_<model>_id` for a relation to itself).
    pub fn m2m(mut self, field: &str, to: &str) -> ModelState {
        let source = naming::snake_case(&self.name);
        let target = naming::snake_case(to);
        let (source_column, target_column) = if source == target {
            (format!("from_{source}_id"), format!("to_{target}_id"))
        } else {
            (format!("{source}_id"), format!("{target}_id"))
        };
        self.many_to_many.push(ManyToManyState {
            field: field.to_string(),
            to: to.to_string(),
            join_table: format!("{}_{field}", self.table),
            source_column,
            target_column,
            through: None,
        });
        self
    }

    /// Adds a many-to-many relation to `to` through the model `through`.
    pub fn m2m_through(
        mut self,
        field: &str,
        to: &str,
        through: &ModelState,
        source_column: &str,
        target_column: &str,
    ) -> ModelState {
        self.many_to_many.push(ManyToManyState {
            field: field.to_string(),
            to: to.to_string(),
            join_table: through.table.clone(),
            source_column: source_column.to_string(),
            target_column: target_column.to_string(),
            through: Some(through.name.clone()),
        });
        self
    }

    /// Records the model's previous name.
    pub fn renamed_from(mut self, old_name: &str) -> ModelState {
        self.renamed_from = Some(old_name.to_string());
        self
    }

    /// The column named `column`.
    pub fn get_field(&self, column: &str) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.column == column)
    }

    pub(crate) fn field_mut(&mut self, column: &str) -> Option<&mut FieldState> {
        self.fields.iter_mut().find(|f| f.column == column)
    }

    /// The primary-key column, if the model has one.
    pub fn primary_key(&self) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// Whether an index or constraint uses `column`.
    pub(crate) fn users_of_column(&self, column: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .indexes
            .iter()
            .filter(|i| i.columns.iter().any(|c| c == column))
            .map(|i| i.name.as_str())
            .collect();
        out.extend(
            self.constraints
                .iter()
                .filter(|c| matches!(&c.kind, ConstraintKind::Unique(cols) if cols.iter().any(|c| c == column)))
                .map(|c| c.name.as_str()),
        );
        out
    }
}

impl FieldState {
    /// A NOT NULL column with no default, constraint or relation.
    pub fn new(column: &str, ty: ColumnType) -> FieldState {
        FieldState {
            column: column.to_string(),
            ty,
            null: false,
            default: None,
            unique: false,
            primary_key: false,
            auto_increment: false,
            foreign_key: None,
            choices: None,
            renamed_from: None,
        }
    }

    /// An auto-increment `BIGINT` primary key.
    pub fn auto_pk(column: &str) -> FieldState {
        FieldState {
            primary_key: true,
            auto_increment: true,
            ..FieldState::new(column, ColumnType::BigInt)
        }
    }

    /// The state of one column from its metadata.
    pub fn from_meta(c: &ColumnMeta) -> FieldState {
        FieldState {
            column: c.column.to_string(),
            ty: c.ty,
            null: c.nullable,
            default: c.default.as_ref().map(DefaultValue::from_meta),
            unique: (c.unique || c.foreign_key.as_ref().is_some_and(|f| f.one_to_one))
                && !c.primary_key,
            primary_key: c.primary_key,
            auto_increment: c.auto_increment,
            foreign_key: c.foreign_key.as_ref().map(|fk| ForeignKeyState {
                to: (fk.target)().name.to_string(),
                on_delete: fk.on_delete,
            }),
            choices: c.choices.as_ref().map(ChoicesState::from_meta),
            renamed_from: c.renamed_from.map(str::to_string),
        }
    }

    /// Allows `NULL`.
    pub fn null(mut self) -> FieldState {
        self.null = true;
        self
    }

    /// Sets the database default.
    pub fn default(mut self, value: DefaultValue) -> FieldState {
        self.default = Some(value);
        self
    }

    /// Adds a single-column unique constraint.
    pub fn unique(mut self) -> FieldState {
        self.unique = true;
        self
    }

    /// Makes this (non-generated) column the primary key.
    pub fn primary_key(mut self) -> FieldState {
        self.primary_key = true;
        self
    }

    /// Makes this column a foreign key to `to`'s primary key.
    pub fn references(mut self, to: &str, on_delete: OnDelete) -> FieldState {
        self.foreign_key = Some(ForeignKeyState {
            to: to.to_string(),
            on_delete,
        });
        self
    }

    /// Restricts the column to `choices` (an enum's values), with a
    /// `CHECK` constraint.
    pub fn choices(mut self, choices: ChoicesState) -> FieldState {
        self.choices = Some(choices);
        self
    }

    /// Records the column's previous name.
    pub fn renamed_from(mut self, old_column: &str) -> FieldState {
        self.renamed_from = Some(old_column.to_string());
        self
    }

    /// Whether two fields are defined alike apart from their names (the
    /// test for a rename).
    pub(crate) fn same_definition(&self, other: &FieldState) -> bool {
        self.ty == other.ty
            && self.null == other.null
            && self.default == other.default
            && self.unique == other.unique
            && self.primary_key == other.primary_key
            && self.auto_increment == other.auto_increment
            && self.foreign_key == other.foreign_key
            && self.choices == other.choices
    }
}
