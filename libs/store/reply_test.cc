// Tests for store::Reply: builders, predicates, equality and the debug rendering.
#include "libs/store/reply.h"

#include <string>

#include "gtest/gtest.h"

namespace bridging::store {
namespace {

TEST(ReplyTest, DefaultIsNil) {
  Reply r;
  EXPECT_TRUE(r.is_nil());
  EXPECT_EQ(r, Reply::Nil());
  EXPECT_EQ(r.DebugString(), "nil");
}

TEST(ReplyTest, BuildersSetTypeAndValue) {
  EXPECT_TRUE(Reply::Integer(7).is_integer());
  EXPECT_EQ(Reply::Integer(-7).integer, -7);
  EXPECT_TRUE(Reply::String("x").is_string());
  EXPECT_TRUE(Reply::Status("OK").is_ok());
  EXPECT_FALSE(Reply::String("OK").is_ok());  // a bulk "OK" is data, not the status
  EXPECT_FALSE(Reply::Status("QUEUED").is_ok());
  Reply array = Reply::Array({Reply::Integer(1), Reply::Nil()});
  ASSERT_TRUE(array.is_array());
  ASSERT_EQ(array.elements.size(), 2u);
  EXPECT_TRUE(array.elements[1].is_nil());
}

TEST(ReplyTest, EqualityComparesTypeAndValue) {
  EXPECT_NE(Reply::String("OK"), Reply::Status("OK"));
  EXPECT_NE(Reply::Integer(1), Reply::Integer(2));
  EXPECT_EQ(Reply::Array({Reply::String(std::string("a\0b", 3))}),
            Reply::Array({Reply::String(std::string("a\0b", 3))}));
  EXPECT_NE(Reply::String(std::string("a\0b", 3)), Reply::String("a"));
}

TEST(ReplyTest, DebugStringEscapesBinary) {
  Reply r = Reply::Array(
      {Reply::Integer(3), Reply::String(std::string("a\0\xff", 3)), Reply::Status("OK")});
  EXPECT_EQ(r.DebugString(), "[(integer) 3, \"a\\x00\\xff\", OK]");
}

TEST(ReplyTest, TypeNames) {
  EXPECT_EQ(TypeName(Reply::Type::kNil), "nil");
  EXPECT_EQ(TypeName(Reply::Type::kArray), "array");
  EXPECT_EQ(TypeName(Reply::Type::kStatus), "status");
}

}  // namespace
}  // namespace bridging::store
