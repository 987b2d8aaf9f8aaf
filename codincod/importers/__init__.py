"""Moving data in and out: import from a CodinCod MongoDB dump, export back to one."""
