#include "sourceaccessspec.h"

#include "secrets/secretref.h"

using namespace Qt::StringLiterals;

std::optional<SourceAccess> SourceAccessSpec::resolve(const QString& option, const QString& defaultTokenEnv,
                                                      QString* error) const
{
    SourceAccess access;
    const auto fail = [&](const QString& what, const QString& why) {
        *error = u"--%1-%2: %3"_s.arg(option, what, why);
        return std::nullopt;
    };
    QString why;
    if (!token.isEmpty()) {
        access.bearerToken = SecretRef::resolve(token, &why);
        if (!why.isEmpty())
            return fail(u"token"_s, why);
    } else if (!defaultTokenEnv.isEmpty() && user.isEmpty()) { // basic auth given: no default token
        access.bearerToken = qEnvironmentVariable(defaultTokenEnv.toLatin1().constData()).trimmed();
    }
    if (!password.isEmpty() && user.isEmpty())
        return fail(u"password"_s, u"a password needs --%1-user"_s.arg(option));
    access.basicUser = user;
    if (!password.isEmpty()) {
        access.basicPassword = SecretRef::resolve(password, &why);
        if (!why.isEmpty())
            return fail(u"password"_s, why);
    }
    if (!access.bearerToken.isEmpty() && !access.basicUser.isEmpty())
        return fail(u"user"_s, u"give a bearer token or basic auth, not both"_s);
    for (const QString& h : headers) {
        std::pair<QByteArray, QByteArray> header;
        if (!SourceAccess::parseHeader(h, &header))
            return fail(u"header"_s, u"expected 'Name: value', got '%1'"_s.arg(h));
        if (header.first.compare("Authorization", Qt::CaseInsensitive) == 0)
            return fail(u"header"_s, u"Authorization is a secret: use --%1-token or --%1-user"_s.arg(option));
        access.headers.append(header);
    }
    access.caFile = caFile;
    access.clientCertFile = certFile;
    access.clientKeyFile = keyFile;
    if (!access.loadFiles(&why))
        return fail(caFile.isEmpty() || why.contains(certFile) || why.contains(keyFile) ? u"cert"_s : u"ca"_s, why);
    return access;
}
