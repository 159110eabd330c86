// Picks the admin page for a section of the admin center.
import type { AdminSection } from '../../app/routes.ts';
import { AuditPage } from './AuditPage.tsx';
import { ComplianceRecordingPage } from './ComplianceRecordingPage.tsx';
import { EncryptionPoliciesPage } from './EncryptionPoliciesPage.tsx';
import { GroupsPage } from './GroupsPage.tsx';
import { LabelsPage } from './LabelsPage.tsx';
import { PolicyAssignmentsPage } from './PolicyAssignmentsPage.tsx';
import { TemplatesPage } from './TemplatesPage.tsx';
import { SsoPage } from './SsoPage.tsx';
import { TenantPage } from './TenantPage.tsx';
import { UsersPage } from './UsersPage.tsx';
import { WhatIfPage } from './WhatIfPage.tsx';

export function AdminSectionPage({ section }: { section: AdminSection }) {
  switch (section) {
    case 'encryption-policies':
      return <EncryptionPoliciesPage />;
    case 'assignments':
      return <PolicyAssignmentsPage />;
    case 'templates':
      return <TemplatesPage />;
    case 'labels':
      return <LabelsPage />;
    case 'compliance-recording':
      return <ComplianceRecordingPage />;
    case 'tenant':
      return <TenantPage />;
    case 'sso':
      return <SsoPage />;
    case 'users':
      return <UsersPage />;
    case 'groups':
      return <GroupsPage />;
    case 'audit':
      return <AuditPage />;
    case 'what-if':
      return <WhatIfPage />;
  }
}
