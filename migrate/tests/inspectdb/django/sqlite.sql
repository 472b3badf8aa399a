CREATE TABLE "library_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL);
CREATE TABLE "library_tag" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL UNIQUE);
CREATE TABLE "library_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "published" date NULL, "author_id" bigint NOT NULL REFERENCES "library_author" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "library_book_tags" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "book_id" bigint NOT NULL REFERENCES "library_book" ("id") DEFERRABLE INITIALLY DEFERRED, "tag_id" bigint NOT NULL REFERENCES "library_tag" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE UNIQUE INDEX "library_book_author_id_title_5c7c2a6e_uniq" ON "library_book" ("author_id", "title");
CREATE INDEX "library_book_author_id_b1a5a7d4" ON "library_book" ("author_id");
CREATE UNIQUE INDEX "library_book_tags_book_id_tag_id_0c8a3f1e_uniq" ON "library_book_tags" ("book_id", "tag_id");
CREATE INDEX "library_book_tags_book_id_6f1e1b0e" ON "library_book_tags" ("book_id");
CREATE INDEX "library_book_tags_tag_id_2e7b9a4c" ON "library_book_tags" ("tag_id");
