use sea_orm::entity::prelude::*;

/// Weekly opening hours of a bookable item, in Amsterdam wall-clock time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_hours")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: i32,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: i16,
    /// Minutes after midnight.
    pub opens_minute: i32,
    pub closes_minute: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::bookable_item::Entity",
        from = "Column::ItemId",
        to = "super::bookable_item::Column::Id"
    )]
    Item,
}

impl Related<super::bookable_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Item.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
