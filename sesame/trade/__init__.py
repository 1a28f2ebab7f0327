"""Trade between companies: reviews, requests for quotation, quotes."""
