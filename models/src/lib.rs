//! Reference models (filled by the harness issue).
