"""The recommended list (notice §三: the library is shared with the banks): enterprises that opt
in, hold quality credit and at least one distinction, in a monthly snapshot that partner banks
browse and from which they invite an enterprise to apply."""
