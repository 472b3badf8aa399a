//! Models and a catalogue of expression shapes (`F`): comparisons between
//! fields and expressions, arithmetic, text functions, `coalesce`,
//! `cast`, `when`, each with the same question answered in Rust.

use strata::prelude::*;
use strata::query::scalar::when;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ex_critic")]
pub struct Critic {
    pub id: i64,
    #[strata(max_length = 50)]
    pub name: String,
    pub karma: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ex_review")]
pub struct Review {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    #[strata(max_length = 50)]
    pub nick: Option<String>,
    pub likes: i32,
    pub dislikes: i32,
    pub bonus: Option<i32>,
    pub ratio: f64,
    #[strata(on_delete = cascade, related_name = "reviews")]
    pub critic: ForeignKey<Critic>,
}

/// The critics of the fixture, unsaved.
pub fn critics() -> Vec<Critic> {
    let w = |name: &str, karma| Critic {
        id: 0,
        name: name.into(),
        karma,
    };
    vec![w("Ann", 3), w("bob", 10), w("Ünïcödé", -2)]
}

/// The reviews of the fixture, for the saved `critics`: negative and zero
/// counts (integer division toward zero), NULLs, non-ASCII text.
pub fn reviews(critics: &[Critic]) -> Vec<Review> {
    let e = |title: &str, nick: Option<&str>, likes, dislikes, bonus, ratio, w: usize| Review {
        id: 0,
        title: title.into(),
        nick: nick.map(str::to_string),
        likes,
        dislikes,
        bonus,
        ratio,
        critic: ForeignKey::to(&critics[w]),
    };
    vec![
        e("Rust in Action", Some("ria"), 7, 2, Some(1), 2.5, 0),
        e("rust for beginners", None, 3, 3, None, -2.5, 1),
        e("Straße über Ähren", Some("SÜß"), -7, 2, Some(-3), 0.75, 2),
        e("zero", Some(""), 0, 0, None, 0.0, 0),
        e("Ærø", None, 12, 5, Some(10), -0.25, 1),
        e("apple", Some("Apple"), 1, 9, Some(0), 9.99, 2),
    ]
}

/// Which rows a shape returns, decided in Rust from an entry and its
/// critic.
pub type Keep = fn(&Review, &Critic) -> bool;

/// One filter shape.
pub struct FilterShape {
    pub name: &'static str,
    pub query: QuerySet<Review>,
    pub keep: Keep,
}

fn shape(name: &'static str, query: QuerySet<Review>, keep: Keep) -> FilterShape {
    FilterShape { name, query, keep }
}

/// Rust's counterpart of SQL's integer division as strata makes it:
/// toward zero, `None` for a zero divisor.
pub fn int_div(a: i32, b: i32) -> Option<i32> {
    a.checked_div(b)
}

/// Every filter shape of the catalogue.
pub fn filter_shapes() -> Vec<FilterShape> {
    let q = Review::objects;
    vec![
        shape(
            "field_gt_field",
            q().filter(Review::likes().gt(Review::dislikes())),
            |e, _| e.likes > e.dislikes,
        ),
        shape(
            "field_eq_field",
            q().filter(Review::likes().eq(Review::dislikes())),
            |e, _| e.likes == e.dislikes,
        ),
        shape(
            "exclude_field_lt_nullable_field_keeps_nulls",
            q().exclude(Review::likes().lt(Review::bonus())),
            |e, _| e.bonus.is_none_or(|b| e.likes >= b),
        ),
        shape(
            "field_gt_field_across_relation",
            q().filter(Review::likes().gt(Review::critic().karma())),
            |e, w| e.likes > w.karma,
        ),
        shape(
            "arithmetic_sum_gt_value",
            q().filter((Review::likes() + Review::dislikes()).gt(9)),
            |e, _| e.likes + e.dislikes > 9,
        ),
        shape(
            "arithmetic_difference_times_value",
            q().filter(((Review::likes() - Review::dislikes()) * 2).gte(Review::likes())),
            |e, _| (e.likes - e.dislikes) * 2 >= e.likes,
        ),
        shape(
            "integer_division_truncates_toward_zero",
            q().filter((Review::likes() / 2).eq(-3)),
            |e, _| int_div(e.likes, 2) == Some(-3),
        ),
        shape(
            "division_by_zero_is_null",
            q().filter((Review::likes() / Review::dislikes()).is_null(true)),
            |e, _| int_div(e.likes, e.dislikes).is_none(),
        ),
        shape(
            "excluded_division_keeps_division_by_zero",
            q().exclude((Review::likes() / Review::dislikes()).gte(1)),
            |e, _| int_div(e.likes, e.dislikes).is_none_or(|d| d < 1),
        ),
        shape(
            "float_arithmetic",
            q().filter((Review::ratio() * 2.0).lt(1.0)),
            |e, _| e.ratio * 2.0 < 1.0,
        ),
        shape(
            "nullable_arithmetic_is_null_when_null",
            q().filter((Review::bonus() + Review::likes()).gt(5)),
            |e, _| e.bonus.is_some_and(|b| b + e.likes > 5),
        ),
        shape(
            "coalesce_fills_nulls",
            q().filter(Review::bonus().coalesce(100).gte(10)),
            |e, _| e.bonus.unwrap_or(100) >= 10,
        ),
        shape(
            "coalesce_with_field",
            q().filter(Review::bonus().coalesce(Review::dislikes()).eq(2)),
            |e, _| e.bonus.unwrap_or(e.dislikes) == 2,
        ),
        shape(
            "lower_of_mixed_case_text",
            q().filter(Review::title().lower().eq("rust in action")),
            |e, _| e.title.to_lowercase() == "rust in action",
        ),
        shape(
            "upper_of_ascii_text",
            q().filter(Review::title().upper().eq("APPLE")),
            |e, _| e.title.to_uppercase() == "APPLE",
        ),
        shape(
            "length_counts_characters",
            q().filter(Review::title().length().eq(17)),
            |e, _| e.title.chars().count() == 17,
        ),
        shape(
            "length_of_nullable_text",
            q().filter(Review::nick().length().lt(4)),
            |e, _| e.nick.as_ref().is_some_and(|n| n.chars().count() < 4),
        ),
        shape(
            "concat_with_value",
            q().filter(Review::title().concat("!").eq("zero!")),
            |e, _| format!("{}!", e.title) == "zero!",
        ),
        shape(
            "concat_of_nullable_is_null",
            q().filter(Review::nick().concat(Review::title()).is_null(true)),
            |e, _| e.nick.is_none(),
        ),
        shape(
            "substr_counts_characters_from_zero",
            q().filter(Review::title().substr(1, 4).eq("traß")),
            |e, _| e.title.chars().skip(1).take(4).collect::<String>() == "traß",
        ),
        shape(
            "cast_int_to_float",
            q().filter((Review::likes().cast::<f64>() / 4.0).gt(1.5)),
            |e, _| f64::from(e.likes) / 4.0 > 1.5,
        ),
        shape(
            "cast_float_to_int_truncates_toward_zero",
            q().filter(Review::ratio().cast::<i64>().eq(-2)),
            |e, _| e.ratio as i64 == -2,
        ),
        shape(
            "cast_int_widens",
            q().filter((Review::likes().cast::<i64>() * 1_000_000_000).gt(5_000_000_000)),
            |e, _| i64::from(e.likes) * 1_000_000_000 > 5_000_000_000,
        ),
        shape(
            "case_when_otherwise",
            q().filter(
                when(Review::likes().gt(5), "hot")
                    .when(Review::likes().gt(0), "warm")
                    .otherwise("cold")
                    .eq("warm"),
            ),
            |e, _| {
                (if e.likes > 5 {
                    "hot"
                } else if e.likes > 0 {
                    "warm"
                } else {
                    "cold"
                }) == "warm"
            },
        ),
        shape(
            "case_without_otherwise_is_null",
            q().filter(
                when(Review::nick().is_null(false), Review::likes())
                    .end()
                    .is_null(true),
            ),
            |e, _| e.nick.is_none(),
        ),
        shape(
            "case_on_a_relation",
            q().filter(
                when(Review::critic().name().eq("bob"), Review::likes() * 10)
                    .otherwise(Review::likes())
                    .gte(30),
            ),
            |e, w| {
                (if w.name == "bob" {
                    e.likes * 10
                } else {
                    e.likes
                }) >= 30
            },
        ),
    ]
}
