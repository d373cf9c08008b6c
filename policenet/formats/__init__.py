"""The file formats of the field, read and written with the libraries made for them."""
