//! The one error type of the control plane, and the parse error of the vocabulary types.
//!
//! [`Error`] carries what the AWS Lambda service would answer: the exception name
//! ([`ErrorKind::exception_name`]), the HTTP status ([`ErrorKind::http_status`]) and the
//! exact message text the service sends ([`Error::message`]; catalogue in docs/wire.md).
//! [`ParseError`] is what `FromStr` on a vocabulary type returns; its messages are written
//! for Rust users (lower case, no trailing period) rather than copied from the service.

use std::fmt;

/// The AWS exception an [`Error`] stands for.
///
/// Each kind knows its exception name and HTTP status (R95, R96; docs/wire.md#errors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ValidationException` (400): a member violates its length, pattern or range (R93).
    Validation,
    /// `InvalidParameterValueException` (400): a business rule refuses the request.
    InvalidParameterValue,
    /// `ResourceNotFoundException` (404): a function, version, alias or policy is missing.
    ResourceNotFound,
    /// `ResourceConflictException` (409): the resource exists, is referenced, or is busy.
    ResourceConflict,
    /// `PreconditionFailedException` (412): a `RevisionId` precondition did not hold.
    PreconditionFailed,
    /// `PolicyLengthExceededException` (400): a resource policy would exceed 20 480 bytes.
    PolicyLengthExceeded,
    /// `CodeStorageExceededException` (400): the code storage quota would be exceeded.
    CodeStorageExceeded,
    /// `AliasLimitExceededException` (400): too many aliases on one function.
    AliasLimitExceeded,
    /// `TooManyRequestsException` (429): the request rate was exceeded.
    TooManyRequests,
    /// `PublicPolicyException` (400): a statement would make the function public while
    /// block-public-access is on (R90).
    PublicPolicy,
    /// `AccessDeniedException` (403): authorization failed.
    AccessDenied,
    /// `ServiceException` (500): an internal error of the service.
    Service,
    /// `InvalidRequestContentException` (400): the request body is not valid JSON, or a
    /// member has the wrong JSON type (raised by the [`wire`](crate::wire) layer).
    InvalidRequestContent,
    /// `RequestTooLargeException` (413): the request body exceeds the limit.
    RequestTooLarge,
    /// `UnknownOperationException` (404): no operation is bound to the request's method
    /// and path (raised by the [`wire`](crate::wire) layer).
    UnknownOperation,
    /// `ProvisionedConcurrencyConfigNotFoundException` (404): the alias or version has no
    /// provisioned-concurrency config (R102).
    ProvisionedConcurrencyConfigNotFound,
}

impl ErrorKind {
    /// The AWS exception name, as sent in the `X-Amzn-ErrorType` header.
    ///
    /// ```
    /// use lambda_versioning::ErrorKind;
    /// assert_eq!(ErrorKind::PreconditionFailed.exception_name(), "PreconditionFailedException");
    /// ```
    pub const fn exception_name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationException",
            ErrorKind::InvalidParameterValue => "InvalidParameterValueException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceConflict => "ResourceConflictException",
            ErrorKind::PreconditionFailed => "PreconditionFailedException",
            ErrorKind::PolicyLengthExceeded => "PolicyLengthExceededException",
            ErrorKind::CodeStorageExceeded => "CodeStorageExceededException",
            ErrorKind::AliasLimitExceeded => "AliasLimitExceededException",
            ErrorKind::TooManyRequests => "TooManyRequestsException",
            ErrorKind::PublicPolicy => "PublicPolicyException",
            ErrorKind::AccessDenied => "AccessDeniedException",
            ErrorKind::Service => "ServiceException",
            ErrorKind::InvalidRequestContent => "InvalidRequestContentException",
            ErrorKind::RequestTooLarge => "RequestTooLargeException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::ProvisionedConcurrencyConfigNotFound => {
                "ProvisionedConcurrencyConfigNotFoundException"
            }
        }
    }

    /// The HTTP status the service answers with (R95; docs/wire.md#errors).
    ///
    /// ```
    /// use lambda_versioning::ErrorKind;
    /// assert_eq!(ErrorKind::ResourceConflict.http_status(), 409);
    /// ```
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorKind::Validation
            | ErrorKind::InvalidParameterValue
            | ErrorKind::PolicyLengthExceeded
            | ErrorKind::CodeStorageExceeded
            | ErrorKind::AliasLimitExceeded
            | ErrorKind::PublicPolicy
            | ErrorKind::InvalidRequestContent => 400,
            ErrorKind::AccessDenied => 403,
            ErrorKind::ResourceNotFound
            | ErrorKind::UnknownOperation
            | ErrorKind::ProvisionedConcurrencyConfigNotFound => 404,
            ErrorKind::RequestTooLarge => 413,
            ErrorKind::ResourceConflict => 409,
            ErrorKind::PreconditionFailed => 412,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Service => 500,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.exception_name())
    }
}

/// A refusal, exactly as the AWS Lambda service would answer it.
///
/// `Display` prints `<ExceptionName>: <message>`; [`Error::message`] is the message alone,
/// byte for byte the service's text.
///
/// ```
/// use lambda_versioning::{ErrorKind, Registry};
/// use lambda_versioning::registry::GetFunctionRequest;
///
/// let registry = Registry::builder().build();
/// let err = registry.get_function(GetFunctionRequest::new("my-fn:live")).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ResourceNotFound);
/// assert_eq!(err.kind().http_status(), 404);
/// assert_eq!(
///     err.message(),
///     "Function not found: arn:aws:lambda:us-east-1:123456789012:function:my-fn:live"
/// );
/// assert_eq!(err.to_string(), format!("ResourceNotFoundException: {}", err.message()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", kind.exception_name())]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// The recorded refusals that carry no `"Type"` member although their kind does.
    untyped: bool,
    /// The `"Reason"` member of a throttle (R123).
    reason: Option<&'static str>,
    /// The body carries `"Message": null` (R179).
    null_message: bool,
}

/// The `"Type"` member of an error body (R96): who is at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultType {
    /// `"User"`: a modeled client fault.
    User,
    /// `"Service"`: `ServiceException`.
    Service,
}

impl FaultType {
    /// The member's value: `User` or `Service`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FaultType::User => "User",
            FaultType::Service => "Service",
        }
    }
}

impl Error {
    /// Builds an error of `kind` with the given message.
    ///
    /// The registry builds its own errors; this constructor exists for facades (an HTTP
    /// front end, a store-backed registry) that need to answer in the same vocabulary.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            untyped: false,
            reason: None,
            null_message: false,
        }
    }

    /// The refusal of a full ARN naming another account's function (R179): 403
    /// `AccessDeniedException` whose body is `{"Message":null}`; [`Error::message`] is
    /// empty.
    pub fn access_denied_without_message() -> Self {
        Error {
            null_message: true,
            ..Error::new(ErrorKind::AccessDenied, "")
        }
    }

    /// Whether the body's message is `null` (R179).
    pub fn has_null_message(&self) -> bool {
        self.null_message
    }

    /// The throttle of an invocation that found no free concurrency (R119, R121, R123):
    /// `TooManyRequestsException` (429) `Rate Exceeded.` with reason
    /// `ReservedFunctionConcurrentInvocationLimitExceeded`.
    ///
    /// ```
    /// use lambda_versioning::{Error, ErrorKind};
    /// let e = Error::throttled();
    /// assert_eq!((e.kind(), e.message()), (ErrorKind::TooManyRequests, "Rate Exceeded."));
    /// assert_eq!(e.reason(), Some("ReservedFunctionConcurrentInvocationLimitExceeded"));
    /// ```
    pub fn throttled() -> Self {
        Error {
            reason: Some("ReservedFunctionConcurrentInvocationLimitExceeded"),
            ..Error::new(ErrorKind::TooManyRequests, "Rate Exceeded.")
        }
    }

    /// The `"Reason"` member of the error body, for throttles (R123).
    pub fn reason(&self) -> Option<&str> {
        self.reason
    }

    /// The same error, answered without a `"Type"` member (the service sends one
    /// recorded refusal that way, R47).
    pub(crate) fn without_fault_type(mut self) -> Self {
        self.untyped = true;
        self
    }

    /// The `"Type"` member of this error's body (R96): decided by the kind — `User` for
    /// modeled client faults, `Service` for `ServiceException`, none for the framework's
    /// `ValidationException`, `UnknownOperationException` and `AccessDeniedException` —
    /// except for the one recorded refusal that has none although it is an
    /// `InvalidParameterValueException` (R47).
    ///
    /// ```
    /// use lambda_versioning::{Error, ErrorKind, FaultType};
    /// assert_eq!(Error::new(ErrorKind::ResourceConflict, "x").fault_type(), Some(FaultType::User));
    /// assert_eq!(Error::new(ErrorKind::Validation, "x").fault_type(), None);
    /// ```
    pub fn fault_type(&self) -> Option<FaultType> {
        if self.untyped {
            return None;
        }
        match self.kind {
            ErrorKind::Validation | ErrorKind::UnknownOperation | ErrorKind::AccessDenied => None,
            ErrorKind::Service => Some(FaultType::Service),
            _ => Some(FaultType::User),
        }
    }

    /// Which exception this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message text, exactly as the service words it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of this error (shorthand for `self.kind().http_status()`).
    pub fn http_status(&self) -> u16 {
        self.kind.http_status()
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidParameterValue, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::ResourceNotFound, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::ResourceConflict, message)
    }
}

/// Which vocabulary type a [`ParseError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Component {
    /// A [`FunctionName`](crate::FunctionName).
    FunctionName,
    /// An [`AliasName`](crate::AliasName).
    AliasName,
    /// A [`VersionNumber`](crate::VersionNumber) or [`Version`](crate::Version).
    Version,
    /// A [`Qualifier`](crate::Qualifier).
    Qualifier,
    /// A [`Partition`](crate::Partition).
    Partition,
    /// A [`Region`](crate::Region).
    Region,
    /// An [`AccountId`](crate::AccountId).
    AccountId,
    /// A [`FunctionArn`](crate::FunctionArn).
    FunctionArn,
    /// A [`FunctionRef`](crate::FunctionRef), the `FunctionName` request parameter.
    FunctionRef,
    /// A [`RevisionId`](crate::RevisionId).
    RevisionId,
    /// A [`Weight`](crate::Weight).
    Weight,
    /// A [`StatementId`](crate::StatementId).
    StatementId,
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Component::FunctionName => "function name",
            Component::AliasName => "alias name",
            Component::Version => "version",
            Component::Qualifier => "qualifier",
            Component::Partition => "partition",
            Component::Region => "region",
            Component::AccountId => "account id",
            Component::FunctionArn => "function arn",
            Component::FunctionRef => "function reference",
            Component::RevisionId => "revision id",
            Component::Weight => "weight",
            Component::StatementId => "statement id",
        })
    }
}

/// What is wrong with a value a [`ParseError`] refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorReason {
    /// The value is empty.
    Empty,
    /// The value is longer than the maximum, in characters.
    TooLong {
        /// The largest accepted length.
        max: usize,
    },
    /// The value does not have the required shape; the string describes the shape.
    Syntax(&'static str),
}

/// A vocabulary value could not be parsed.
///
/// ```
/// use lambda_versioning::AliasName;
/// let err = "2024".parse::<AliasName>().unwrap_err();
/// assert_eq!(err.to_string(), "invalid alias name \"2024\": an alias name cannot be all digits");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {component} {input:?}: {}", reason_text(.reason))]
pub struct ParseError {
    component: Component,
    input: String,
    reason: ParseErrorReason,
}

fn reason_text(reason: &ParseErrorReason) -> String {
    match reason {
        ParseErrorReason::Empty => "must not be empty".to_owned(),
        ParseErrorReason::TooLong { max } => format!("longer than {max} characters"),
        ParseErrorReason::Syntax(what) => (*what).to_owned(),
    }
}

impl ParseError {
    pub(crate) fn new(component: Component, input: &str, reason: ParseErrorReason) -> Self {
        // Keep error values small even for absurd inputs.
        let input: String = input.chars().take(300).collect();
        ParseError {
            component,
            input,
            reason,
        }
    }

    pub(crate) fn syntax(component: Component, input: &str, what: &'static str) -> Self {
        ParseError::new(component, input, ParseErrorReason::Syntax(what))
    }

    /// Which kind of value was being parsed.
    pub fn component(&self) -> Component {
        self.component
    }

    /// The refused input (cut to its first 300 characters).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was refused.
    pub fn reason(&self) -> &ParseErrorReason {
        &self.reason
    }
}
