"""CodinCod's MongoDB, moved over and back: mongodump folders read and written as streams,
one pure mapper per collection, rows written in bulk."""
