//! Names the services share on the wire and must spell alike.

use std::fmt;

/// The notification templates every notification database has (DESIGN.md
/// section 3, plus the digest mail of a bulk import). Templates are edited,
/// never invented: an unknown code is UNKNOWN_TEMPLATE.
/// Stored by its code (a SeaORM active enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum TemplateCode {
    #[sea_orm(string_value = "ORDER_CONFIRMATION")]
    OrderConfirmation,
    #[sea_orm(string_value = "ORDER_SHIPPED")]
    OrderShipped,
    #[sea_orm(string_value = "ORDER_CANCELLED")]
    OrderCancelled,
    #[sea_orm(string_value = "ORDER_CONFIRMATION_BATCH")]
    OrderConfirmationBatch,
}

impl TemplateCode {
    pub const ALL: [TemplateCode; 4] =
        [Self::OrderConfirmation, Self::OrderShipped, Self::OrderCancelled, Self::OrderConfirmationBatch];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderConfirmation => "ORDER_CONFIRMATION",
            Self::OrderShipped => "ORDER_SHIPPED",
            Self::OrderCancelled => "ORDER_CANCELLED",
            Self::OrderConfirmationBatch => "ORDER_CONFIRMATION_BATCH",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

impl fmt::Display for TemplateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
