// Orleans' SDK imports the Orleans namespace everywhere, and it has an ErrorCode type of its own; in the gateway,
// ErrorCode always means the wire protocol's error codes.
global using ErrorCode = OrleansRealtime.Gateway.Protocol.ErrorCode;
