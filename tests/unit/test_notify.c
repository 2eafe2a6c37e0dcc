/* Unit tests of the outbox's senders (service/notify/): the Standard Webhooks signature
 * against the specification's own example, webhook URLs refused before any connection,
 * and the mail a verification link is written into. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/config.h"
#include "notify/notify.h"

/* The example of the Standard Webhooks specification (standard-webhooks.com, "Verifying
 * webhook authenticity"), which Node's crypto HMAC also gives. */
static void
signature_matches_the_specifications_example(void **state)
{
	char sig[128];

	assert_true(webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	                              "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	                              "{\"test\": 2432232314}", sig));
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void
signature_refuses_a_secret_that_is_not_whsec_base64(void **state)
{
	char sig[128];

	assert_false(webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1, "{}", sig));
	assert_false(webhook_signature("whsec_!!!not base64!!!", "msg_1", 1, "{}", sig));
	assert_false(webhook_signature("whsec_", "msg_1", 1, "{}", sig));
}

/* Without WEBHOOK_ALLOW_PRIVATE, internal address literals and localhost are refused
 * before libcurl is asked to connect. */
static void
internal_destinations_are_refused_without_the_operators_leave(void **state)
{
	static const char *const urls[] = {
		"http://127.0.0.1:9/", "http://[::1]/", "http://10.1.2.3/x", "http://169.254.169.254/",
		"http://localhost:8080/", "https://user@example.org/", "ftp://example.org/",
	};
	struct attempt a;

	cfg.webhook_allow_private = false;
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
		webhook_send(urls[i], "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", "{}", &a);
		assert_false(a.ok);
		assert_int_equal(a.http_status, 0);
		assert_string_equal(a.error, "destination not allowed");
	}
}

static void
verification_mail_carries_the_link_and_a_stable_message_id(void **state)
{
	struct mail m = {
		.event = "account.verify", .message_id = "0c6e9a4e-3f7b-4f0e-9d1a-2b3c4d5e6f70",
		.to = "maria@example.org", .name = "María", .token = "abc123",
		.payload = "{}", .created_at = 1700000000,
	};
	char *text;

	cfg.mail_from = "Rendición <no-reply@example.ec>";
	cfg.public_base_url = "https://rendicion.example.ec";
	text = mail_compose(&m);
	assert_non_null(text);
	assert_non_null(strstr(text, "Message-ID: <0c6e9a4e-3f7b-4f0e-9d1a-2b3c4d5e6f70@rendicion.example.ec>\r\n"));
	assert_non_null(strstr(text, "To: <maria@example.org>\r\n"));
	/* "Rendición" as an RFC 2047 word; the subject too. */
	assert_non_null(strstr(text, "From: =?UTF-8?B?UmVuZGljacOzbg==?= <no-reply@example.ec>\r\n"));
	assert_non_null(strstr(text, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(text, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(text, "Content-Type: text/plain; charset=UTF-8"));
	assert_non_null(strstr(text, "Content-Type: text/html; charset=UTF-8"));
	free(text);
	m.event = "no.such.event";
	assert_null(mail_compose(&m));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signature_matches_the_specifications_example),
		cmocka_unit_test(signature_refuses_a_secret_that_is_not_whsec_base64),
		cmocka_unit_test(internal_destinations_are_refused_without_the_operators_leave),
		cmocka_unit_test(verification_mail_carries_the_link_and_a_stable_message_id),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
