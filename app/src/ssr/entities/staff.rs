//! Staff accounts of the CMS; separate from customers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub password_hash: String,
    pub is_owner: bool,
    pub must_change_password: bool,
    pub locked_at: Option<DateTime>,
    pub created_at: DateTime,
    pub last_login_at: Option<DateTime>,
    /// The TOTP secret in base32: a credential like `password_hash`. Set
    /// while setting up, in use once `totp_enabled_at` is.
    pub totp_secret: Option<String>,
    /// When the second factor was switched on; empty: off.
    pub totp_enabled_at: Option<DateTime>,
    /// The step of the last code accepted: a code works once.
    pub totp_last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::staff_right::Entity")]
    StaffRight,
    #[sea_orm(has_many = "super::staff_recovery_code::Entity")]
    StaffRecoveryCode,
}

impl Related<super::staff_right::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffRight.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
