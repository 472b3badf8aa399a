//! Models for multi-valued relations: reverse foreign keys, many-to-many
//! fields (automatic, through a model, and to the model itself), with the
//! holder fields prefetch_related fills.

use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "blog_author")]
pub struct Author {
    pub id: i64,
    #[strata(max_length = 100)]
    pub name: String,
    pub posts: Reverse<Post>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "blog_post")]
pub struct Post {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[strata(max_length = 200)]
    pub title: String,
    pub published: bool,
    #[strata(related_name = "posts")]
    pub tags: ManyToMany<Tag>,
    pub comments: Reverse<Comment>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "blog_comment")]
pub struct Comment {
    pub id: i64,
    #[strata(on_delete = cascade, related_name = "comments")]
    pub post: ForeignKey<Post>,
    pub body: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "blog_tag")]
pub struct Tag {
    pub id: i64,
    #[strata(max_length = 50)]
    pub name: String,
    pub posts: Reverse<Post>,
}

/// A many-to-many relation through an explicit model with data.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "school_student")]
pub struct Student {
    pub id: i64,
    #[strata(max_length = 100)]
    pub name: String,
    #[strata(through = Enrollment, related_name = "students")]
    pub courses: ManyToMany<Course>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "school_course")]
pub struct Course {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    pub students: Reverse<Student>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "school_enrollment", unique(fields(student, course)))]
pub struct Enrollment {
    pub id: i64,
    #[strata(on_delete = cascade)]
    pub student: ForeignKey<Student>,
    #[strata(on_delete = cascade)]
    pub course: ForeignKey<Course>,
    pub grade: i32,
}

/// A many-to-many relation of a model to itself.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "social_person")]
pub struct Person {
    pub id: i64,
    #[strata(max_length = 100)]
    pub name: String,
    #[strata(related_name = "followers")]
    pub follows: ManyToMany<Person>,
    pub followers: Reverse<Person>,
}

/// Every model of this module, referenced models first.
pub fn blog() -> [&'static strata::ModelMeta; 8] {
    [
        Author::META,
        Post::META,
        Comment::META,
        Tag::META,
        Student::META,
        Course::META,
        Enrollment::META,
        Person::META,
    ]
}
