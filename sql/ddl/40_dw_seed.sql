-- National subject classes (政府收支分类科目 类 level), loaded from sql/seeds/subject_classes.csv by
-- apply_ddl; dw.dim_subject adds every code met in a filing with its printed name.
create table if not exists dw.subject_seed (
    classification varchar not null,  -- function | economic
    subject_code varchar not null,
    subject_name varchar not null,
    subject_level tinyint not null,
    parent_code varchar,
    primary key (classification, subject_code)
);
