//! One case per operation shape, on a small blog schema with rows.

use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::operations::*;
use strata_migrate::*;

/// An operation applied to [`base`] with its seed rows.
pub struct Case {
    pub name: &'static str,
    pub op: Operation,
    /// Rows the operation destroys (they are not back after backward).
    pub lost_rows: i64,
}

/// Author, Post (index, unique pair, check, many-to-many to Tag), Tag
/// (unique label) and Comment (nullable foreign key to Post).
pub fn base() -> ProjectState {
    ProjectState::new()
        .with(
            ModelState::new("Author")
                .pk("id")
                .field("name", ColumnType::Varchar(100))
                .column(FieldState::new("email", ColumnType::Varchar(200)).null()),
        )
        .with(
            ModelState::new("Post")
                .pk("id")
                .field("title", ColumnType::Varchar(200))
                .column(FieldState::new("body", ColumnType::Text).null())
                .fk("author_id", "Author", OnDelete::Cascade)
                .column(FieldState::new("score", ColumnType::Integer).default(DefaultValue::Int(0)))
                .index("post_title_idx", &["title"])
                .unique_together("post_title_author_uniq", &["title", "author_id"])
                .check("post_score_check", "score >= 0")
                .m2m("tags", "Tag"),
        )
        .with(
            ModelState::new("Tag").pk("id").column(
                FieldState::new("label", ColumnType::Varchar(50))
                    .null()
                    .unique(),
            ),
        )
        .with(
            ModelState::new("Comment")
                .pk("id")
                .column(
                    FieldState::new("post_id", ColumnType::BigInt)
                        .null()
                        .references("Post", OnDelete::Cascade),
                )
                .field("text", ColumnType::Text),
        )
}

/// Rows inserted before each case: (table, columns, values).
pub const SEED: &[(&str, &str, &[&str])] = &[
    (
        "author",
        "id, name, email",
        &["1, 'Ann', NULL", "2, 'Bob', 'bob@example.com'"],
    ),
    ("tag", "id, label", &["1, 'rust'", "2, 'sql'"]),
    (
        "post",
        "id, title, body, author_id, score",
        &["1, 'Hello', NULL, 1, 5", "2, 'World', 'text', 2, 0"],
    ),
    ("post_tags", "id, post_id, tag_id", &["1, 1, 1", "2, 2, 1"]),
    (
        "comment",
        "id, post_id, text",
        &["1, 1, 'nice'", "2, NULL, 'orphan'"],
    ),
];

pub fn seed_rows() -> i64 {
    SEED.iter().map(|(_, _, rows)| rows.len() as i64).sum()
}

fn model(name: &str) -> ModelState {
    base().models[name].clone()
}

fn field(model_name: &str, column: &str) -> FieldState {
    model(model_name).get_field(column).unwrap().clone()
}

fn case(name: &'static str, op: Operation) -> Case {
    Case {
        name,
        op,
        lost_rows: 0,
    }
}

fn lossy(name: &'static str, op: Operation, lost_rows: i64) -> Case {
    Case {
        name,
        op,
        lost_rows,
    }
}

fn alter(model: &str, field: FieldState, one_off_default: Option<DefaultValue>) -> Operation {
    Operation::AlterField(AlterField {
        model: model.into(),
        field,
        one_off_default,
    })
}

fn add(model: &str, field: FieldState, one_off_default: Option<DefaultValue>) -> Operation {
    Operation::AddField(AddField {
        model: model.into(),
        field,
        one_off_default,
    })
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "create_model",
            Operation::CreateModel(CreateModel::from_model(
                &ModelState::new("Note")
                    .pk("id")
                    .column(
                        FieldState::new("author_id", ColumnType::BigInt)
                            .null()
                            .references("Author", OnDelete::SetNull),
                    )
                    .column(
                        FieldState::new("body", ColumnType::Text)
                            .default(DefaultValue::Str("it's empty".into())),
                    )
                    .column(FieldState::new("slug", ColumnType::Varchar(40)).unique())
                    .index("note_body_slug_idx", &["slug", "author_id"])
                    .check("note_slug_check", "slug <> ''"),
            )),
        ),
        lossy(
            "delete_model",
            Operation::DeleteModel(DeleteModel {
                name: "Comment".into(),
            }),
            2,
        ),
        case(
            "rename_model",
            Operation::RenameModel(RenameModel {
                old_name: "Tag".into(),
                new_name: "Label".into(),
            }),
        ),
        case(
            "alter_model_table",
            Operation::AlterModelTable(AlterModelTable {
                model: "Comment".into(),
                table: "post_comment".into(),
            }),
        ),
        case(
            "alter_model_table_with_unique_field",
            Operation::AlterModelTable(AlterModelTable {
                model: "Tag".into(),
                table: "label".into(),
            }),
        ),
        case(
            "add_field_nullable",
            add(
                "Author",
                FieldState::new("bio", ColumnType::Text).null(),
                None,
            ),
        ),
        case(
            "add_field_with_default",
            add(
                "Author",
                FieldState::new("active", ColumnType::Boolean).default(DefaultValue::Bool(true)),
                None,
            ),
        ),
        case(
            "add_field_not_null_with_one_off_default",
            add(
                "Post",
                FieldState::new("views", ColumnType::BigInt),
                Some(DefaultValue::Int(0)),
            ),
        ),
        case(
            "add_field_foreign_key",
            add(
                "Post",
                FieldState::new("editor_id", ColumnType::BigInt)
                    .null()
                    .references("Author", OnDelete::SetNull),
                None,
            ),
        ),
        case(
            "add_field_unique",
            add(
                "Author",
                FieldState::new("slug", ColumnType::Varchar(50))
                    .null()
                    .unique(),
                None,
            ),
        ),
        lossy(
            "remove_field",
            Operation::RemoveField(RemoveField {
                model: "Post".into(),
                column: "body".into(),
            }),
            0,
        ),
        lossy(
            "remove_field_foreign_key",
            Operation::RemoveField(RemoveField {
                model: "Comment".into(),
                column: "post_id".into(),
            }),
            0,
        ),
        lossy(
            "remove_field_unique",
            Operation::RemoveField(RemoveField {
                model: "Tag".into(),
                column: "label".into(),
            }),
            0,
        ),
        case(
            "alter_field_type",
            alter(
                "Author",
                FieldState::new("name", ColumnType::Varchar(255)),
                None,
            ),
        ),
        case(
            "alter_field_type_with_default",
            alter(
                "Post",
                FieldState::new("score", ColumnType::BigInt).default(DefaultValue::Int(0)),
                None,
            ),
        ),
        case(
            "alter_field_null_to_not_null_with_one_off_default",
            alter(
                "Author",
                FieldState::new("email", ColumnType::Varchar(200)),
                Some(DefaultValue::Str("unknown".into())),
            ),
        ),
        case(
            "alter_field_not_null_to_null",
            alter(
                "Post",
                FieldState::new("title", ColumnType::Varchar(200)).null(),
                None,
            ),
        ),
        case(
            "alter_field_null_to_not_null_with_default",
            alter(
                "Post",
                FieldState::new("body", ColumnType::Text)
                    .default(DefaultValue::Str("(empty)".into())),
                None,
            ),
        ),
        case(
            "alter_field_default",
            alter(
                "Post",
                FieldState::new("score", ColumnType::Integer).default(DefaultValue::Int(10)),
                None,
            ),
        ),
        case(
            "alter_field_add_unique",
            alter("Author", field("Author", "name").unique(), None),
        ),
        case(
            "alter_field_drop_unique",
            alter(
                "Tag",
                FieldState::new("label", ColumnType::Varchar(50)).null(),
                None,
            ),
        ),
        case(
            "alter_field_on_delete",
            alter(
                "Comment",
                FieldState::new("post_id", ColumnType::BigInt)
                    .null()
                    .references("Post", OnDelete::Restrict),
                None,
            ),
        ),
        case(
            "alter_foreign_key_column_nullability",
            alter(
                "Post",
                FieldState::new("author_id", ColumnType::BigInt)
                    .null()
                    .references("Author", OnDelete::Cascade),
                None,
            ),
        ),
        case(
            "alter_field_foreign_key_to_one_to_one",
            alter("Post", field("Post", "author_id").unique(), None),
        ),
        case(
            "rename_field",
            Operation::RenameField(RenameField {
                model: "Post".into(),
                old_column: "title".into(),
                new_column: "headline".into(),
            }),
        ),
        case(
            "rename_field_foreign_key",
            Operation::RenameField(RenameField {
                model: "Comment".into(),
                old_column: "post_id".into(),
                new_column: "entry_id".into(),
            }),
        ),
        case(
            "rename_field_unique",
            Operation::RenameField(RenameField {
                model: "Tag".into(),
                old_column: "label".into(),
                new_column: "name".into(),
            }),
        ),
        case(
            "add_index",
            Operation::AddIndex(AddIndex {
                model: "Author".into(),
                index: IndexState {
                    name: "author_name_email_idx".into(),
                    columns: vec!["name".into(), "email".into()],
                    unique: false,
                },
            }),
        ),
        case(
            "add_unique_index",
            Operation::AddIndex(AddIndex {
                model: "Author".into(),
                index: IndexState {
                    name: "author_email_uidx".into(),
                    columns: vec!["email".into()],
                    unique: true,
                },
            }),
        ),
        case(
            "add_index_leading_with_foreign_key",
            Operation::AddIndex(AddIndex {
                model: "Post".into(),
                index: IndexState {
                    name: "post_author_title_idx".into(),
                    columns: vec!["author_id".into(), "title".into()],
                    unique: false,
                },
            }),
        ),
        case(
            "remove_index",
            Operation::RemoveIndex(RemoveIndex {
                model: "Post".into(),
                name: "post_title_idx".into(),
            }),
        ),
        case(
            "rename_index",
            Operation::RenameIndex(RenameIndex {
                model: "Post".into(),
                old_name: "post_title_idx".into(),
                new_name: "post_title_lookup".into(),
            }),
        ),
        case(
            "add_unique_constraint",
            Operation::AddConstraint(AddConstraint {
                model: "Author".into(),
                constraint: ConstraintState {
                    name: "author_name_email_uniq".into(),
                    kind: ConstraintKind::Unique(vec!["name".into(), "email".into()]),
                },
            }),
        ),
        case(
            "add_unique_constraint_leading_with_foreign_key",
            Operation::AddConstraint(AddConstraint {
                model: "Post".into(),
                constraint: ConstraintState {
                    name: "post_author_score_uniq".into(),
                    kind: ConstraintKind::Unique(vec!["author_id".into(), "score".into()]),
                },
            }),
        ),
        case(
            "remove_unique_constraint",
            Operation::RemoveConstraint(RemoveConstraint {
                model: "Post".into(),
                name: "post_title_author_uniq".into(),
            }),
        ),
        case(
            "add_check_constraint",
            Operation::AddConstraint(AddConstraint {
                model: "Author".into(),
                constraint: ConstraintState {
                    name: "author_name_check".into(),
                    kind: ConstraintKind::Check("name <> ''".into()),
                },
            }),
        ),
        case(
            "remove_check_constraint",
            Operation::RemoveConstraint(RemoveConstraint {
                model: "Post".into(),
                name: "post_score_check".into(),
            }),
        ),
        case(
            "add_many_to_many",
            Operation::AddManyToMany(AddManyToMany {
                model: "Author".into(),
                relation: model("Author")
                    .m2m("favorites", "Post")
                    .many_to_many
                    .remove(0),
            }),
        ),
        case(
            "add_many_to_many_to_self",
            Operation::AddManyToMany(AddManyToMany {
                model: "Author".into(),
                relation: model("Author")
                    .m2m("follows", "Author")
                    .many_to_many
                    .remove(0),
            }),
        ),
        lossy(
            "remove_many_to_many",
            Operation::RemoveManyToMany(RemoveManyToMany {
                model: "Post".into(),
                field: "tags".into(),
            }),
            2,
        ),
        case(
            "alter_many_to_many_table",
            Operation::AlterManyToManyTable(AlterManyToManyTable {
                model: "Post".into(),
                field: "tags".into(),
                join_table: "post_tag_links".into(),
            }),
        ),
        case(
            "run_sql",
            Operation::RunSql(RunSql {
                description: Some("rename Bob".into()),
                forward: DialectSql::all(&["UPDATE author SET name = 'Robert' WHERE id = 2"]),
                backward: Some(DialectSql::all(&[
                    "UPDATE author SET name = 'Bob' WHERE id = 2",
                ])),
            }),
        ),
    ]
}
