// The one translation unit that compiles Boost.Asio, Boost.Beast and their SSL parts
// (separate-compilation mode). Every other file includes only their headers, which keeps
// builds fast: Beast's templates are compiled here once instead of in every file.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
