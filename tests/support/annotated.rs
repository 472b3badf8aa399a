//! Models and a fixture for annotations and windows: authors with posts
//! and books (two reverse relations, to catch JOIN fan-out), posts with
//! tags (a many-to-many after a reverse hop), an optional press to
//! `select_related`, and rows with no related rows and with NULLs.

use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ann_press")]
pub struct AnnPress {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ann_author")]
pub struct AnnAuthor {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
    #[strata(on_delete = set_null, related_name = "authors")]
    pub press: Option<ForeignKey<AnnPress>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ann_post")]
pub struct AnnPost {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    pub author: ForeignKey<AnnAuthor>,
    #[strata(max_length = 40)]
    pub title: String,
    pub likes: i32,
    pub dislikes: i32,
    pub bonus: Option<i32>,
    #[strata(related_name = "posts")]
    pub tags: ManyToMany<AnnTag>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ann_book")]
pub struct AnnBook {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "books")]
    pub author: ForeignKey<AnnAuthor>,
    pub pages: i32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ann_tag")]
pub struct AnnTag {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
}

/// The fixture, as inserted (primary keys filled in).
pub struct Annotated {
    pub presses: Vec<AnnPress>,
    pub authors: Vec<AnnAuthor>,
    pub posts: Vec<AnnPost>,
    pub books: Vec<AnnBook>,
    pub tags: Vec<AnnTag>,
    /// `(post id, tag id)` pairs.
    pub post_tags: Vec<(i64, i64)>,
}

impl Annotated {
    /// The posts of an author.
    pub fn posts_of(&self, author: &AnnAuthor) -> Vec<&AnnPost> {
        self.posts
            .iter()
            .filter(|p| *p.author.key() == author.id)
            .collect()
    }

    /// The books of an author.
    pub fn books_of(&self, author: &AnnAuthor) -> Vec<&AnnBook> {
        self.books
            .iter()
            .filter(|b| *b.author.key() == author.id)
            .collect()
    }

    /// The tag ids reached from an author's posts, once per (post, tag).
    pub fn tags_of(&self, author: &AnnAuthor) -> Vec<i64> {
        let posts: Vec<i64> = self.posts_of(author).iter().map(|p| p.id).collect();
        self.post_tags
            .iter()
            .filter(|(p, _)| posts.contains(p))
            .map(|(_, t)| *t)
            .collect()
    }
}

/// Creates the tables and inserts the fixture: "ann" with 3 posts and 2
/// books, "bob" with one post (NULL bonus) and no book, "cid" with no
/// post and one book, "dee" with neither; "eve" has two posts with equal
/// likes (ties for ranks).
pub async fn seed(db: &Db) -> Annotated {
    db.create_tables(&[
        AnnPress::META,
        AnnAuthor::META,
        AnnTag::META,
        AnnPost::META,
        AnnBook::META,
    ])
    .await
    .unwrap();
    let mut presses = vec![
        AnnPress {
            id: 0,
            name: "North".into(),
        },
        AnnPress {
            id: 0,
            name: "South".into(),
        },
    ];
    for p in &mut presses {
        p.insert(db).await.unwrap();
    }
    let mut authors = Vec::new();
    for (name, press) in [
        ("ann", Some(0)),
        ("bob", None),
        ("cid", Some(1)),
        ("dee", Some(0)),
        ("eve", None),
    ] {
        let mut a = AnnAuthor {
            id: 0,
            name: name.into(),
            press: press.map(|i: usize| ForeignKey::from(&presses[i])),
        };
        a.insert(db).await.unwrap();
        authors.push(a);
    }
    let mut tags = Vec::new();
    for name in ["rust", "sql", "orm"] {
        let mut t = AnnTag {
            id: 0,
            name: name.into(),
        };
        t.insert(db).await.unwrap();
        tags.push(t);
    }
    let mut posts = Vec::new();
    for (author, title, likes, dislikes, bonus) in [
        (0, "ann one", 7, 1, Some(2)),
        (0, "ann two", 3, 4, None),
        (0, "ann three", 9, 0, Some(-1)),
        (1, "bob one", 5, 5, None),
        (4, "eve one", 4, 2, Some(1)),
        (4, "eve two", 4, 3, Some(3)),
        (4, "eve three", 1, 0, None),
    ] {
        let mut p = AnnPost {
            id: 0,
            author: ForeignKey::from(&authors[author]),
            title: title.into(),
            likes,
            dislikes,
            bonus,
            tags: Default::default(),
        };
        p.insert(db).await.unwrap();
        posts.push(p);
    }
    let mut post_tags = Vec::new();
    for (post, tag_ids) in [
        (0usize, vec![0usize, 1]),
        (1, vec![0]),
        (2, vec![]),
        (3, vec![2]),
    ] {
        let targets: Vec<&AnnTag> = tag_ids.iter().map(|&t| &tags[t]).collect();
        posts[post]
            .related(AnnPost::tags())
            .add(db, &targets)
            .await
            .unwrap();
        for t in targets {
            post_tags.push((posts[post].id, t.id));
        }
    }
    let mut books = Vec::new();
    for (author, pages) in [(0, 120), (0, 80), (2, 300)] {
        let mut b = AnnBook {
            id: 0,
            author: ForeignKey::from(&authors[author]),
            pages,
        };
        b.insert(db).await.unwrap();
        books.push(b);
    }
    Annotated {
        presses,
        authors,
        posts,
        books,
        tags,
        post_tags,
    }
}
