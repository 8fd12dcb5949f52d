// Serial transport.
