"""Pure verification core: no file, network or terminal IO."""
