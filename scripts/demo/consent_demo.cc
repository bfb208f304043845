// The demo charity: a dozen participants with varied consents (two withdrawn, one with
// erasure), contributions of each kind, loaded through the public consent API with fixed
// request_ids so loading twice changes nothing.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "libs/auth/principal.h"
#include "scripts/demo/demo.h"

namespace bridging::demo {
namespace {

using consent::v1::ConsentService;
using consent::v1::ContributionService;

struct DemoPerson {
  std::string reference;
  std::string alias;
  std::vector<consent::v1::Purpose> consents;
  std::vector<std::string> notes;
  bool withdraw_research = false;
  bool erase = false;
};

std::vector<DemoPerson> People() {
  using namespace consent::v1;
  const std::vector<Purpose> all = {PURPOSE_GROUP_PARTICIPATION, PURPOSE_RESEARCH_USE,
                                    PURPOSE_QUOTATION, PURPOSE_CONTACT};
  const std::vector<Purpose> group_research = {PURPOSE_GROUP_PARTICIPATION, PURPOSE_RESEARCH_USE};
  return {
      {"SF-001",
       "Robin",
       all,
       {"Being offered a longer first appointment meant I could explain things at my own "
        "pace."}},
      {"SF-002",
       "",
       group_research,
       {"Reception asked for proof of address again. I left before I was seen."}},
      {"SF-003", "Wren", all, {"The chaperone offer made the examination bearable."}},
      {"SF-004", "", {PURPOSE_GROUP_PARTICIPATION}, {}},
      {"SF-005",
       "Sky",
       group_research,
       {"A quiet room to wait in helped more than anything else."},
       true},
      {"SF-006", "", all, {"Staff used my chosen name without being asked twice."}},
      {"SF-007", "Fern", group_research, {"I was not rushed. That is rare."}, true, true},
      {"SF-008", "", {PURPOSE_GROUP_PARTICIPATION, PURPOSE_CONTACT}, {}},
      {"SF-009", "Ash", all, {"Texts instead of letters: my post goes to a hostel."}},
      {"SF-010", "", group_research, {"The nurse explained every step before she did it."}},
      {"SF-011", "Bea", {PURPOSE_GROUP_PARTICIPATION, PURPOSE_SHARE_WITH_PRACTICE}, {}},
      {"SF-012", "", group_research, {"Being believed the first time matters."}},
  };
}

class ConsentDemo {
 public:
  ConsentDemo(std::shared_ptr<grpc::Channel> channel, std::string secret, std::string charity)
      : consent_(ConsentService::NewStub(channel)),
        contributions_(ContributionService::NewStub(channel)),
        codec_(std::move(secret)),
        charity_(std::move(charity)) {}

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    codec_.Attach({charity_, common::v1::ROLE_CHARITY}, context.get());
    return context;
  }

  bool Check(const grpc::Status& status, const std::string& what) {
    if (status.ok()) return true;
    std::cerr << what << ": " << status.error_message() << "\n";
    return false;
  }

  bool Load() {
    using namespace consent::v1;
    int index = 0;
    for (const DemoPerson& person : People()) {
      ++index;
      CreateParticipantRequest create;
      create.set_parent(charity_);
      create.mutable_participant()->set_charity_reference(person.reference);
      create.mutable_participant()->set_alias(person.alias);
      create.set_request_id(absl::StrCat("demo-create-", person.reference));
      Participant participant;
      if (!Check(consent_->CreateParticipant(Context().get(), create, &participant),
                 person.reference)) {
        return false;
      }
      for (Purpose purpose : person.consents) {
        RecordConsentRequest record;
        record.set_participant(participant.name());
        record.set_purpose(purpose);
        record.set_method(CONSENT_METHOD_WRITTEN);
        record.set_recorded_by_role("support worker");
        record.set_request_id(absl::StrCat("demo-consent-", person.reference, "-", purpose));
        ConsentRecord out;
        if (!Check(consent_->RecordConsent(Context().get(), record, &out), "RecordConsent")) {
          return false;
        }
      }
      int n = 0;
      for (const std::string& text : person.notes) {
        SubmitContributionRequest submit;
        submit.set_parent(participant.name());
        // Every source type and every principle appear across the group.
        submit.mutable_contribution()->set_source_type(static_cast<SourceType>(1 + index % 4));
        submit.mutable_contribution()->set_text(text);
        submit.mutable_contribution()->add_themes(
            static_cast<common::v1::Principle>(1 + index % 6));
        submit.set_request_id(absl::StrCat("demo-note-", person.reference, "-", n++));
        Contribution out;
        if (!Check(contributions_->SubmitContribution(Context().get(), submit, &out),
                   "SubmitContribution")) {
          return false;
        }
      }
      if (person.withdraw_research) {
        WithdrawConsentRequest withdraw;
        withdraw.set_participant(participant.name());
        withdraw.add_purposes(PURPOSE_RESEARCH_USE);
        withdraw.set_erase_contributions(person.erase);
        withdraw.set_recorded_by_role("support worker");
        withdraw.set_request_id(absl::StrCat("demo-withdraw-", person.reference));
        WithdrawalReceipt receipt;
        if (!Check(consent_->WithdrawConsent(Context().get(), withdraw, &receipt),
                   "WithdrawConsent")) {
          return false;
        }
      }
    }
    return true;
  }

  void Print() {
    using namespace consent::v1;
    ListParticipantsRequest list;
    list.set_parent(charity_);
    list.set_page_size(100);
    ListParticipantsResponse participants;
    if (!Check(consent_->ListParticipants(Context().get(), list, &participants), "List")) return;
    std::cout << "\n  participant (name)                                      ref     "
                 "group research quote  contact\n";
    for (const auto& p : participants.participants()) {
      GetConsentStatusRequest get;
      get.set_participant(p.name());
      ConsentStatus status;
      if (!consent_->GetConsentStatus(Context().get(), get, &status).ok()) continue;
      auto state = [&](Purpose purpose) -> std::string {
        for (const auto& s : status.purposes()) {
          if (s.purpose() != purpose) continue;
          switch (s.state()) {
            case CONSENT_STATE_GIVEN:
              return "given   ";
            case CONSENT_STATE_WITHDRAWN:
              return "WITHDRAWN";
            default:
              return "-       ";
          }
        }
        return "-       ";
      };
      std::cout << "  " << p.name() << "  " << p.charity_reference() << "  "
                << state(PURPOSE_GROUP_PARTICIPATION) << " " << state(PURPOSE_RESEARCH_USE) << " "
                << state(PURPOSE_QUOTATION) << " " << state(PURPOSE_CONTACT) << "\n";
    }
    GetConsentWatermarkRequest watermark_request;
    ConsentWatermark watermark;
    if (consent_->GetConsentWatermark(Context().get(), watermark_request, &watermark).ok()) {
      std::cout << "\n  consent watermark (latest change): " << watermark.sequence() << "\n";
    }
  }

 private:
  std::unique_ptr<ConsentService::Stub> consent_;
  std::unique_ptr<ContributionService::Stub> contributions_;
  auth::PrincipalCodec codec_;
  std::string charity_;
};

}  // namespace

bool LoadConsentDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret) {
  ConsentDemo demo(channel, secret, kCharity);
  if (!demo.Load()) return false;
  demo.Print();
  return true;
}

}  // namespace bridging::demo
