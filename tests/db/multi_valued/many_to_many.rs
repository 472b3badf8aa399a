//! related() querysets and many-to-many changes: adding and removing
//! pairs, a through model's relation, and a relation to the same model.

use super::{blog_db, titles};
use strata::prelude::*;
use strata::relation::Related;
use strata_tests::blog::*;
use strata_tests::each_db;

#[tokio::test]
async fn related_rows_are_a_queryset_and_many_to_many_pairs_can_change() {
    each_db("related_rows", |db| async move {
        let blog = blog_db(&db).await;
        let ann_posts = blog.authors[0]
            .related(Author::posts())
            .objects()
            .order_by(Post::title())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(titles(&ann_posts), ["Draft", "Rust tips"]);
        let draft = &blog.posts[1];
        let tags = |db: Db, p: Post| async move {
            let mut v: Vec<String> = p
                .related(Post::tags())
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.name)
                .collect();
            v.sort();
            v
        };
        // add() leaves existing pairs alone.
        draft
            .related(Post::tags())
            .add(&db, &[&blog.tags[0], &blog.tags[1]])
            .await
            .unwrap();
        assert_eq!(tags(db.clone(), draft.clone()).await, ["go", "rust"]);
        assert_eq!(
            draft
                .related(Post::tags())
                .remove(&db, &[&blog.tags[0]])
                .await
                .unwrap(),
            1
        );
        assert_eq!(tags(db.clone(), draft.clone()).await, ["go"]);
        draft
            .related(Post::tags())
            .set(&db, &[&blog.tags[2], &blog.tags[3]])
            .await
            .unwrap();
        assert_eq!(tags(db.clone(), draft.clone()).await, ["db", "unused"]);
        assert_eq!(draft.related(Post::tags()).clear(&db).await.unwrap(), 2);
        assert!(tags(db.clone(), draft.clone()).await.is_empty());
        // The reverse side sees the same pairs.
        let rust_posts = blog.tags[0].related(Tag::posts()).all(&db).await.unwrap();
        assert_eq!(titles(&rust_posts), ["Rust tips"]);
        // Deleting a tag removes its pairs, not the posts.
        blog.tags[0].clone().delete(&db).await.unwrap();
        assert_eq!(tags(db.clone(), blog.posts[0].clone()).await, ["db"]);
        assert_eq!(Post::objects().count(&db).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_through_model_relation_filters_and_prefetches_but_refuses_add() {
    each_db("through_model", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut students = vec![
            Student {
                id: 0,
                name: "Ida".into(),
                courses: Related::new(),
            },
            Student {
                id: 0,
                name: "Jo".into(),
                courses: Related::new(),
            },
        ];
        for s in &mut students {
            s.insert(&db).await.unwrap();
        }
        let mut courses = vec![
            Course {
                id: 0,
                title: "Algebra".into(),
                students: Related::new(),
            },
            Course {
                id: 0,
                title: "Biology".into(),
                students: Related::new(),
            },
        ];
        for c in &mut courses {
            c.insert(&db).await.unwrap();
        }
        for (s, c, grade) in [(0, 0, 5), (0, 1, 3), (1, 1, 4)] {
            Enrollment {
                id: 0,
                student: ForeignKey::to(&students[s]),
                course: ForeignKey::to(&courses[c]),
                grade,
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let in_biology = Student::objects()
            .filter(Student::courses().title().eq("Biology"))
            .order_by(Student::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            in_biology
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            ["Ida", "Jo"]
        );
        let good = Student::objects()
            .filter(Student::enrollment_set().grade().gte(5))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(good.len(), 1);
        let loaded = Course::objects()
            .order_by(Course::id())
            .prefetch_related(Course::students())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded[1].students.loaded().unwrap().len(), 2);
        let err = students[1]
            .related(Student::courses())
            .add(&db, &[&courses[0]])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Enrollment"), "{err}");
        // A reverse relation without a holder field says which to add.
        let err = Student::objects()
            .prefetch_related(Student::enrollment_set())
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "add `enrollment_set: strata::relation::Reverse<Enrollment>` to `Student`"
            ),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_many_to_many_relation_to_the_same_model_has_two_directions() {
    each_db("self_m2m", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut people: Vec<Person> = ["Kim", "Lee", "Max"]
            .iter()
            .map(|n| Person {
                id: 0,
                name: n.to_string(),
                follows: Related::new(),
                followers: Related::new(),
            })
            .collect();
        for p in &mut people {
            p.insert(&db).await.unwrap();
        }
        people[0]
            .related(Person::follows())
            .add(&db, &[&people[1], &people[2]])
            .await
            .unwrap();
        people[1]
            .related(Person::follows())
            .add(&db, &[&people[2]])
            .await
            .unwrap();
        let followed_by_kim = Person::objects()
            .filter(Person::followers().name().eq("Kim"))
            .order_by(Person::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            followed_by_kim
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Lee", "Max"]
        );
        let loaded = Person::objects()
            .order_by(Person::id())
            .prefetch_related(Person::followers())
            .prefetch_related(Person::follows())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded[2].followers.loaded().unwrap().len(), 2);
        assert_eq!(loaded[0].follows.loaded().unwrap().len(), 2);
        assert!(loaded[0].followers.loaded().unwrap().is_empty());
    })
    .await;
}
