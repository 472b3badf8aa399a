//! The day-one queryset calls on every database: lookups on a relation by
//! row or key, a reverse hop after a forward one, setting a foreign key
//! in `update`, `get_by_pk`, `last`, `latest` / `earliest`, `reverse`,
//! `none`, `union` and `explain`; each result compared with the same
//! question answered in Rust.

use strata::prelude::*;
use strata::relation::Related;
use strata_tests::blog::{Author, Post};
use strata_tests::each_db;
use strata_tests::models::Article;
use strata_tests::relations::{library, Book, Publisher, Writer};
use strata_tests::shapes::fixture;

struct Library {
    publishers: Vec<Publisher>,
    writers: Vec<Writer>,
    books: Vec<Book>,
}

async fn library_db(db: &Db) -> Library {
    db.create_tables(&library()).await.unwrap();
    let mut publishers: Vec<Publisher> = ["Orbit", "Tor"]
        .iter()
        .map(|n| Publisher {
            id: 0,
            name: n.to_string(),
        })
        .collect();
    for p in &mut publishers {
        p.insert(db).await.unwrap();
    }
    let mut writers = vec![
        Writer {
            id: 0,
            name: "Ann".into(),
            publisher: Some(ForeignKey::to(&publishers[0])),
        },
        Writer {
            id: 0,
            name: "Bob".into(),
            publisher: Some(ForeignKey::to(&publishers[1])),
        },
        Writer {
            id: 0,
            name: "Cy".into(),
            publisher: None,
        },
    ];
    for w in &mut writers {
        w.insert(db).await.unwrap();
    }
    let mut books = Vec::new();
    for (title, w, pages) in [
        ("Ancillary", 0, 400),
        ("Bones", 1, 200),
        ("Bridges", 1, 300),
        ("Cycles", 2, 100),
    ] {
        let mut b = Book {
            id: 0,
            title: title.into(),
            writer: ForeignKey::to(&writers[w]),
            pages,
        };
        b.insert(db).await.unwrap();
        books.push(b);
    }
    Library {
        publishers,
        writers,
        books,
    }
}

fn ids<T: Model<Key = i64>>(rows: &[T]) -> Vec<i64> {
    let mut out: Vec<i64> = rows.iter().map(Model::pk).collect();
    out.sort();
    out
}

fn book_ids(books: &[Book], keep: impl Fn(&Book) -> bool) -> Vec<i64> {
    let mut out: Vec<i64> = books.iter().filter(|b| keep(b)).map(|b| b.id).collect();
    out.sort();
    out
}

#[tokio::test]
async fn relation_paths_filter_by_row_or_key_and_by_null() {
    each_db("relation_by_row", |db| async move {
        let lib = library_db(&db).await;
        let (w, b) = (&lib.writers, &lib.books);
        let writer_of = |book: &Book| *book.writer.key();
        let books = |q: Q<Book>| {
            let db = db.clone();
            async move { ids(&Book::objects().filter(q).all(&db).await.unwrap()) }
        };
        assert_eq!(
            books(Book::writer().eq(&w[1])).await,
            book_ids(b, |x| writer_of(x) == w[1].id)
        );
        assert_eq!(
            books(Book::writer().eq(w[1].id)).await,
            book_ids(b, |x| writer_of(x) == w[1].id)
        );
        assert_eq!(
            books(Book::writer().ne(&w[1])).await,
            book_ids(b, |x| writer_of(x) != w[1].id)
        );
        assert_eq!(
            books(Book::writer().is_in([&w[0], &w[2]])).await,
            book_ids(b, |x| [w[0].id, w[2].id].contains(&writer_of(x)))
        );
        let slice: &[&Writer] = &[&w[1], &w[2]];
        assert_eq!(
            books(Book::writer().is_in(slice)).await,
            book_ids(b, |x| [w[1].id, w[2].id].contains(&writer_of(x)))
        );
        assert_eq!(
            books(Book::writer().is_in(Vec::<i64>::new())).await,
            Vec::<i64>::new()
        );
        let publisher_of = |x: &Book| {
            w.iter()
                .find(|wr| wr.id == writer_of(x))
                .and_then(|wr| wr.publisher.as_ref().map(|p| *p.key()))
        };
        // Two hops: through the writer to its (nullable) publisher.
        assert_eq!(
            books(Book::writer().publisher().is_null(true)).await,
            book_ids(b, |x| publisher_of(x).is_none())
        );
        assert_eq!(
            books(Book::writer().publisher().eq(&lib.publishers[0])).await,
            book_ids(b, |x| publisher_of(x) == Some(lib.publishers[0].id))
        );
        let writers = |q: Q<Writer>| {
            let db = db.clone();
            async move { ids(&Writer::objects().filter(q).all(&db).await.unwrap()) }
        };
        let mut without: Vec<i64> = w
            .iter()
            .filter(|x| x.publisher.is_none())
            .map(|x| x.id)
            .collect();
        without.sort();
        assert_eq!(writers(Writer::publisher().is_null(true)).await, without);
        let mut with: Vec<i64> = w
            .iter()
            .filter(|x| x.publisher.is_some())
            .map(|x| x.id)
            .collect();
        with.sort();
        assert_eq!(writers(Writer::publisher().is_null(false)).await, with);
        // exclude keeps the writer without a publisher, as Django does.
        let kept = Writer::objects()
            .exclude(Writer::publisher().eq(&lib.publishers[0]))
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<i64> = w
            .iter()
            .filter(|x| x.publisher.as_ref().map(|p| *p.key()) != Some(lib.publishers[0].id))
            .map(|x| x.id)
            .collect();
        want.sort();
        assert_eq!(ids(&kept), want);
    })
    .await;
}

#[tokio::test]
async fn update_sets_a_foreign_key_to_a_row_a_key_or_null() {
    each_db("update_fk", |db| async move {
        let lib = library_db(&db).await;
        let (w, b) = (&lib.writers, &lib.books);
        let n = Book::objects()
            .filter(Book::writer().eq(&w[1]))
            .update(&db, [Book::writer().set(&w[2])])
            .await
            .unwrap();
        assert_eq!(n, 2);
        let n = Book::objects()
            .filter(Book::id().eq(b[0].id))
            .update(&db, [Book::writer().set(w[1].id)])
            .await
            .unwrap();
        assert_eq!(n, 1);
        let mut got: Vec<(i64, i64)> = Book::objects()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|x| (x.id, *x.writer.key()))
            .collect();
        got.sort();
        let want: Vec<(i64, i64)> = b
            .iter()
            .map(|x| {
                let writer = *x.writer.key();
                let writer = if x.id == b[0].id {
                    w[1].id
                } else if writer == w[1].id {
                    w[2].id
                } else {
                    writer
                };
                (x.id, writer)
            })
            .collect();
        assert_eq!(got, want);
        let n = Writer::objects()
            .filter(Writer::publisher().eq(&lib.publishers[1]))
            .update(&db, [Writer::publisher().set_null()])
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            Writer::objects()
                .filter(Writer::publisher().is_null(true))
                .count(&db)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_reverse_hop_follows_a_forward_one() {
    each_db("reverse_after_forward", |db| async move {
        db.create_tables(&strata_tests::blog::blog()).await.unwrap();
        let mut authors: Vec<Author> = ["Ann", "Bob"]
            .iter()
            .map(|n| Author {
                id: 0,
                name: n.to_string(),
                posts: Related::new(),
            })
            .collect();
        for a in &mut authors {
            a.insert(&db).await.unwrap();
        }
        let mut posts = Vec::new();
        for (a, title, published) in [(0, "Rust", true), (0, "Draft", false), (1, "Go", true)] {
            let mut p = Post {
                id: 0,
                author: ForeignKey::to(&authors[a]),
                title: title.into(),
                published,
                tags: Related::new(),
                comments: Related::new(),
            };
            p.insert(&db).await.unwrap();
            posts.push(p);
        }
        // Posts whose author has an unpublished post: each post once.
        let got = Post::objects()
            .filter(Post::author().posts().published().eq(false))
            .all(&db)
            .await
            .unwrap();
        let unpublished_authors: Vec<i64> = posts
            .iter()
            .filter(|p| !p.published)
            .map(|p| *p.author.key())
            .collect();
        let mut want: Vec<i64> = posts
            .iter()
            .filter(|p| unpublished_authors.contains(p.author.key()))
            .map(|p| p.id)
            .collect();
        want.sort();
        assert_eq!(ids(&got), want);
        // A regex across the reverse relation: an EXISTS per author.
        let rusty = Author::objects()
            .filter(Author::posts().title().iregex("^rust"))
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<i64> = authors
            .iter()
            .filter(|a| {
                posts
                    .iter()
                    .any(|p| *p.author.key() == a.id && p.title.to_lowercase().starts_with("rust"))
            })
            .map(|a| a.id)
            .collect();
        want.sort();
        assert_eq!(ids(&rusty), want);
        // The same path as `.then(...)` writes the same SQL.
        assert_eq!(
            Post::objects()
                .filter(Post::author().posts().title().eq("Go"))
                .sql(db.dialect()),
            Post::objects()
                .filter(Post::author().then(Author::posts()).title().eq("Go"))
                .sql(db.dialect())
        );
    })
    .await;
}

async fn articles(db: &Db) -> Vec<Article> {
    db.create_tables(&[Article::META]).await.unwrap();
    let mut rows = fixture();
    for row in &mut rows {
        row.insert(db).await.unwrap();
    }
    rows
}

#[tokio::test]
async fn get_by_pk_last_latest_earliest_reverse_and_none() {
    each_db("shortcuts", |db| async move {
        let rows = articles(&db).await;
        let third = Article::objects().get_by_pk(&db, rows[2].id).await.unwrap();
        assert_eq!(third, rows[2]);
        let missing = Article::objects().get_by_pk(&db, 10_000).await;
        assert!(matches!(
            missing,
            Err(strata::Error::DoesNotExist { model: "Article" })
        ));
        // get_by_pk keeps the queryset's filters.
        let filtered = Article::objects()
            .filter(Article::published().eq(false))
            .get_by_pk(&db, rows[2].id)
            .await;
        assert!(matches!(filtered, Err(strata::Error::DoesNotExist { .. })));

        let max_id = rows.iter().map(|a| a.id).max();
        let last = Article::objects().last(&db).await.unwrap();
        assert_eq!(last.map(|a| a.id), max_id);
        // Ordered: the last of that order (ties on rating by pk).
        let by_rating = Article::objects()
            .order_by([Article::rating().asc(), Article::id().asc()])
            .last(&db)
            .await
            .unwrap()
            .unwrap();
        let want = rows.iter().max_by_key(|a| (a.rating, a.id)).unwrap();
        assert_eq!(&by_rating, want);

        let latest = Article::objects()
            .latest(&db, Article::rating())
            .await
            .unwrap();
        assert_eq!(
            &latest,
            rows.iter().max_by_key(|a| (a.rating, a.id)).unwrap()
        );
        let earliest = Article::objects()
            .filter(Article::published().eq(true))
            .earliest(&db, Article::rating())
            .await
            .unwrap();
        let want = rows
            .iter()
            .filter(|a| a.published)
            .min_by_key(|a| (a.rating, a.id))
            .unwrap();
        assert_eq!(&earliest, want);
        let none = Article::objects()
            .filter(Article::rating().gt(100))
            .latest(&db, Article::rating())
            .await;
        assert!(matches!(
            none,
            Err(strata::Error::DoesNotExist { model: "Article" })
        ));

        // reverse(): the exact opposite order, NULLs included.
        let forward = Article::objects()
            .order_by([Article::score().asc(), Article::id().asc()])
            .all(&db)
            .await
            .unwrap();
        let backward = Article::objects()
            .order_by([Article::score().asc(), Article::id().asc()])
            .reverse()
            .all(&db)
            .await
            .unwrap();
        let mut flipped = forward.clone();
        flipped.reverse();
        assert_eq!(backward, flipped);
        let unordered = Article::objects().reverse().all(&db).await.unwrap();
        let mut want: Vec<i64> = rows.iter().map(|a| a.id).collect();
        want.sort_by(|a, b| b.cmp(a));
        assert_eq!(unordered.iter().map(|a| a.id).collect::<Vec<_>>(), want);

        // none(): nothing, whatever the terminal.
        let nothing = Article::objects().none();
        assert!(nothing.all(&db).await.unwrap().is_empty());
        assert_eq!(nothing.count(&db).await.unwrap(), 0);
        assert!(!nothing.exists(&db).await.unwrap());
        assert_eq!(
            nothing
                .update(&db, [Article::rating().set(9)])
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            Article::objects()
                .filter(Article::rating().eq(9))
                .count(&db)
                .await
                .unwrap(),
            0
        );
    })
    .await;
}

#[tokio::test]
async fn union_and_union_all_order_and_slice_the_combined_rows() {
    each_db("union", |db| async move {
        let rows = articles(&db).await;
        let ann = Article::objects().filter(Article::author().eq("ann"));
        let good = Article::objects().filter(Article::rating().gte(4));
        let got = ann
            .clone()
            .union(good.clone())
            .order_by(Article::id().asc())
            .all(&db)
            .await
            .unwrap();
        let want: Vec<i64> = {
            let mut v: Vec<i64> = rows
                .iter()
                .filter(|a| a.author == "ann" || a.rating >= 4)
                .map(|a| a.id)
                .collect();
            v.sort();
            v
        };
        assert_eq!(got.iter().map(|a| a.id).collect::<Vec<_>>(), want);
        // UNION ALL keeps the rows both parts have.
        let all = ann
            .clone()
            .union_all(good.clone())
            .order_by([Article::rating().desc(), Article::id().asc()])
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<&Article> = rows
            .iter()
            .filter(|a| a.author == "ann")
            .chain(rows.iter().filter(|a| a.rating >= 4))
            .collect();
        want.sort_by_key(|a| (std::cmp::Reverse(a.rating), a.id));
        assert_eq!(all.iter().collect::<Vec<_>>(), want);
        // Ordered by a nullable field, sliced; a sliced part keeps its
        // own ordering and limit.
        let top_two = Article::objects()
            .order_by(Article::rating().desc())
            .limit(2);
        let page = top_two
            .union(Article::objects().filter(Article::author().eq("cy")))
            .order_by([Article::score().desc(), Article::id().asc()])
            .limit(3)
            .offset(1)
            .all(&db)
            .await
            .unwrap();
        let mut top: Vec<&Article> = rows.iter().collect();
        top.sort_by_key(|a| (std::cmp::Reverse(a.rating), a.id));
        let top_ratings: Vec<i32> = top.iter().take(2).map(|a| a.rating).collect();
        // Both of the two best are rated 5 (the fixture has exactly two).
        assert_eq!(top_ratings, vec![5, 5]);
        let mut want: Vec<&Article> = rows
            .iter()
            .filter(|a| a.rating == 5 || a.author == "cy")
            .collect();
        // score DESC puts NULLs last, as every ordering of strata does.
        want.sort_by(|a, b| {
            let key = |x: &Article| (x.score.is_none(), x.score.map(|s| -s));
            key(a).partial_cmp(&key(b)).unwrap().then(a.id.cmp(&b.id))
        });
        let want: Vec<&Article> = want.into_iter().skip(1).take(3).collect();
        assert_eq!(page.iter().collect::<Vec<_>>(), want);
        // Three parts, and a refused ordering across a relation is an error
        // before anything runs.
        let three = ann
            .clone()
            .union(good)
            .union_all(Article::objects().filter(Article::author().eq("cy")))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            three.len(),
            rows.iter()
                .filter(|a| a.author == "ann" || a.rating >= 4)
                .count()
                + rows.iter().filter(|a| a.author == "cy").count()
        );
    })
    .await;
}

#[tokio::test]
async fn explain_returns_each_databases_plan() {
    each_db("explain", |db| async move {
        articles(&db).await;
        let plan = Article::objects()
            .filter(Article::author().eq("ann"))
            .explain(&db)
            .await
            .unwrap_or_else(|e| panic!("explain on {}: {e}", db.dialect()));
        let expected = match db.dialect() {
            Dialect::Postgres => "article",
            Dialect::MySql => "\"table_name\": \"article\"",
            Dialect::Sqlite => "article",
        };
        assert!(plan.contains(expected), "{plan}");
        if db.dialect() == Dialect::Sqlite {
            // The (author, rating) index serves the filter.
            assert!(plan.contains("USING INDEX"), "{plan}");
        }
    })
    .await;
}
