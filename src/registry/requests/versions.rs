//! Requests of the version operations: publish, list, prune.

/// `PublishVersion`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishVersionRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `CodeSha256` precondition (R21); an empty string counts as absent.
    pub code_sha256: Option<String>,
    /// `Description` of the new version (R17).
    pub description: Option<String>,
    /// `RevisionId` precondition on `$LATEST` (R22).
    pub revision_id: Option<String>,
    /// A semantic-version label for the new version (beyond the service), unique within
    /// the function.
    pub label: Option<semver::Version>,
}

impl PublishVersionRequest {
    /// Publishes `function_name`'s `$LATEST`.
    pub fn new(function_name: impl Into<String>) -> Self {
        PublishVersionRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets the `CodeSha256` precondition.
    pub fn with_code_sha256(mut self, sha256: impl Into<String>) -> Self {
        self.code_sha256 = Some(sha256.into());
        self
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }

    /// Attaches a semantic-version label to the published version. On a publish that
    /// changes nothing (R18) the label goes on the version returned, if it has none.
    pub fn with_label(mut self, label: semver::Version) -> Self {
        self.label = Some(label);
        self
    }
}

/// `ListVersionsByFunction`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListVersionsByFunctionRequest {
    /// `FunctionName` (namespaced pattern).
    pub function_name: String,
    /// `Marker` from a previous `NextMarker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–10000; pages never exceed 50 items, R32).
    pub max_items: Option<i64>,
}

impl ListVersionsByFunctionRequest {
    /// Lists the versions of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListVersionsByFunctionRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets `Marker`.
    pub fn with_marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }

    /// Sets `MaxItems`.
    pub fn with_max_items(mut self, max_items: i64) -> Self {
        self.max_items = Some(max_items);
        self
    }
}

/// [`Registry::prune_versions`](crate::Registry::prune_versions): delete old versions no
/// alias needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneVersionsRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// How many of the newest published versions to keep regardless.
    pub keep_newest: usize,
}

impl PruneVersionsRequest {
    /// Prunes `function_name`, keeping its `keep_newest` newest versions.
    pub fn new(function_name: impl Into<String>, keep_newest: usize) -> Self {
        PruneVersionsRequest {
            function_name: function_name.into(),
            keep_newest,
        }
    }
}
