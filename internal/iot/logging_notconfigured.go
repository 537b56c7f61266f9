package iot

// NotConfigured is the error kind of a read of settings that were never set
// (GetV2LoggingOptions before SetV2LoggingOptions): AWS's
// NotConfiguredException.
const NotConfigured Kind = "NotConfigured"
