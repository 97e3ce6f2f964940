import PaygateCore

extension KeyRing {
    /// The ring `master_key_file` and `master_key_directory` name.
    public convenience init(configuration: Configuration) throws(CryptoError) {
        try self.init(location: KeyRingLocation(firstKeyFile: configuration.masterKeyFile, directory: configuration.masterKeyDirectory))
    }
}
