#include "preparednotifications.h"

#include "ingestbatch.h"

PreparedNotifications::PreparedNotifications() = default;

PreparedNotifications::PreparedNotifications(AlertBatch batch)
    : m_batch(std::move(batch)), m_folded(std::make_unique<IngestBatch::Folded>(IngestBatch::fold(m_batch, true)))
{
}

PreparedNotifications::~PreparedNotifications() = default;
PreparedNotifications::PreparedNotifications(PreparedNotifications&&) noexcept = default;
PreparedNotifications& PreparedNotifications::operator=(PreparedNotifications&&) noexcept = default;

void PreparedNotifications::putBefore(const AlertBatch& head)
{
    if (head.isEmpty())
        return;
    IngestBatch::Folded folded = IngestBatch::fold(head);
    if (m_folded) {
        IngestBatch::append(folded, head.size(), std::move(*m_folded));
        *m_folded = std::move(folded);
    } else {
        m_folded = std::make_unique<IngestBatch::Folded>(std::move(folded));
    }
    AlertBatch joined;
    joined.reserve(head.size() + m_batch.size());
    joined.append(head);
    joined.append(std::move(m_batch));
    m_batch = std::move(joined);
}
