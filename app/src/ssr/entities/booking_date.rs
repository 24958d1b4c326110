use sea_orm::entity::prelude::*;

/// A one-off slot of a bookable item (a workshop on 14 March 19:00), UTC.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_dates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: i32,
    pub starts_at: DateTime,
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
