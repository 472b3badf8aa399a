//! strata's quickstart: derive models, create their tables on embedded
//! SQLite, write rows, and run typed queries, printing the SQL of each.
//!
//! Run it with `cargo run -p quickstart` (pass a URL such as
//! `sqlite://blog.db` or `postgres://...` to use another database; the
//! default is an in-memory SQLite database).

use chrono::{TimeZone, Utc};
use strata::prelude::*;

use quickstart::{Author, Post};

fn show(label: &str, stmt: strata::Statement) {
    println!("\n-- {label}\n{stmt}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> strata::Result<()> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sqlite::memory:".into());
    let db = Db::connect(&url).await?;
    println!("connected to {} ({})", url, db.dialect());

    for sql in strata::schema::create_table_sql(Post::META, db.dialect())? {
        println!("{sql};");
    }
    db.create_tables(&quickstart::models()).await?;

    let mut ann = Author {
        id: 0,
        name: "Ann".into(),
        email: Some("ann@example.com".into()),
        joined: Utc.with_ymd_and_hms(2024, 1, 15, 9, 30, 0).unwrap(),
        posts: Reverse::new(),
    };
    show("insert", ann.insert_sql(db.dialect()));
    ann.insert(&db).await?;
    println!("Ann got id {}", ann.id);

    let titles = [
        ("Rust ownership, explained", true, 5),
        ("Why 100% coverage lies", true, 4),
        ("Draft: async rust", false, 3),
        ("snake_case or camelCase?", true, 2),
    ];
    let mut posts: Vec<Post> = titles
        .iter()
        .enumerate()
        .map(|(i, (title, published, rating))| Post {
            id: 0,
            title: title.to_string(),
            body: format!("Body of post {i}"),
            published: *published,
            author: ForeignKey::to(&ann),
            rating: *rating,
            created_at: Utc
                .with_ymd_and_hms(2024, 2, 1 + i as u32, 12, 0, 0)
                .unwrap(),
        })
        .collect();
    Post::bulk_create(&db, &mut posts).await?;
    println!(
        "bulk_create gave ids {:?}",
        posts.iter().map(|p| p.id).collect::<Vec<_>>()
    );

    // A typed queryset: a typo in a field name, a value of the wrong type or
    // a field of another model would not compile.
    let popular = Post::objects()
        .filter(
            Post::title()
                .icontains("rust")
                .and(Post::published().eq(true)),
        )
        .filter(Post::author().name().eq("Ann")) // a typed path across the FK
        .order_by(Post::created_at().desc())
        .limit(20);
    show("popular rust posts", popular.sql(db.dialect()));
    for post in popular.all(&db).await? {
        println!("  #{} {:?} ({} stars)", post.id, post.title, post.rating);
    }

    // Related rows are loaded only when asked for, with a known number of
    // queries: the naive loop runs one query per post (N+1)...
    let before = db.query_count();
    let posts = Post::objects().order_by(Post::id()).all(&db).await?;
    for post in &posts {
        let _author = post.author.fetch(&db).await?; // visible, explicit query
    }
    println!(
        "\nnaive loop over {} posts: {} queries",
        posts.len(),
        db.query_count() - before
    );
    // ...select_related loads posts and their authors in one query.
    let with_authors = Post::objects()
        .select_related(Post::author())
        .order_by(Post::id());
    show("select_related", with_authors.sql(db.dialect()));
    let before = db.query_count();
    let posts = with_authors.all(&db).await?;
    println!(
        "select_related over {} posts: {} query",
        posts.len(),
        db.query_count() - before
    );
    for post in &posts {
        let author = post.author.get().expect("loaded by select_related");
        println!("  {:?} by {}", post.title, author.name);
    }

    // The other way round: authors with their posts. Filtering across the
    // reverse relation is an EXISTS (no author repeated), and
    // prefetch_related loads every author's posts with one more query.
    let prolific = Author::objects()
        .filter(Author::posts().published().eq(true))
        .prefetch_related(Author::posts());
    show("filter across posts", prolific.sql(db.dialect()));
    let before = db.query_count();
    let authors = prolific.all(&db).await?;
    println!(
        "prefetch_related over {} author(s): {} queries",
        authors.len(),
        db.query_count() - before
    );
    for author in &authors {
        let posts = author.posts.loaded()?;
        println!("  {} wrote {} post(s)", author.name, posts.len());
    }

    // `%` and `_` in a lookup match themselves.
    let literal = Post::objects().filter(Post::title().contains("100%"));
    show("literal percent sign", literal.sql(db.dialect()));
    println!("  {} post(s)", literal.count(&db).await?);

    let drafts = Post::objects().exclude(Post::published().eq(true));
    show("count drafts", drafts.count_sql(db.dialect()));
    println!("  {} draft(s)", drafts.count(&db).await?);

    let publish = [Post::published().set(true)];
    show("publish drafts", drafts.update_sql(db.dialect(), publish)?);
    let changed = drafts.update(&db, [Post::published().set(true)]).await?;
    println!("  published {changed} draft(s)");

    let mut best = Post::objects()
        .order_by([Post::rating().desc(), Post::id().asc()])
        .first(&db)
        .await?
        .expect("there are posts");
    best.rating += 1;
    show("save", best.save_sql(db.dialect()).expect("has columns"));
    best.save(&db).await?;

    match Post::objects()
        .filter(Post::rating().gt(100))
        .get(&db)
        .await
    {
        Err(strata::Error::DoesNotExist { model }) => println!("\nno {model} rated above 100"),
        other => println!("\nunexpected: {other:?}"),
    }

    let low = Post::objects().filter(Post::rating().lt(3));
    show("delete", low.delete_sql(db.dialect())?);
    println!("  deleted {}", low.delete(&db).await?);
    println!("\n{} posts remain", Post::objects().count(&db).await?);
    Ok(())
}
